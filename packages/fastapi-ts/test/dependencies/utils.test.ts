// The compiled dependency graph (the contract OpenAPI reads) and its per-request plan.
import 'reflect-metadata';
import { z } from 'zod';
import { Request } from 'starlette-ts';
import { Body, Controller, Cookie, Depends, dependency, FastAPI, Get, Header, Int, Model, Path, Query, type APIRoute } from '../../src';
import { flatBodyParams, getDependant, shouldEmbedBody } from '../../src/dependencies/utils';
import { FAILED, solve, type SolveContext } from '../../src/internal/solve';
import { parameterNames } from '../../src/internal/param-names';

class Item extends Model('Item', { name: z.string() }) {}

describe('the Dependant graph', () => {
  const sub = dependency({ x_token: Header(z.string(), { description: 'token' }), session: Cookie(z.string().optional()) }, () => 1);
  const app = new FastAPI();
  const route = app.get(
    '/items/{item_id}',
    { params: { item_id: Path(Int, { title: 'The ID' }), q: Query(z.string().optional(), { alias: 'item-query', deprecated: true, includeInSchema: false }), item: Item, dep: Depends(sub) } },
    () => 1,
  ) as APIRoute;

  test('parameters land in their lists with wire names and flags', () => {
    const d = route.dependant;
    expect(d.pathParams.map((p) => [p.name, p.alias, p.required, p.title])).toEqual([['item_id', 'item_id', true, 'The ID']]);
    expect(d.queryParams.map((p) => [p.name, p.alias, p.required, p.deprecated, p.includeInSchema])).toEqual([['q', 'item-query', false, true, false]]);
    expect(d.bodyParams.map((p) => [p.name, p.alias, p.required, p.embed, p.mediaType, p.schema])).toEqual([['item', 'item', true, false, 'application/json', Item.schema]]);
    expect(d.dependencies).toHaveLength(1);
    expect(d.dependencies[0].headerParams.map((p) => [p.alias, p.description])).toEqual([['x-token', 'token']]);
    expect(d.dependencies[0].cookieParams.map((p) => [p.alias, p.required])).toEqual([['session', false]]);
    expect(d.useCache).toBe(true);
    expect(d.scope).toBe('request');
  });

  test('body embedding follows FastAPI (several bodies, or embed: true)', () => {
    expect(shouldEmbedBody(flatBodyParams(route.dependant))).toBe(false);
    const two = new FastAPI().post('/', { params: { a: Body(z.string()), b: Body(z.string()) } }, () => 1) as APIRoute;
    expect(shouldEmbedBody(flatBodyParams(two.dependant))).toBe(true);
    const embedded = new FastAPI().post('/', { params: { a: Body(z.string(), { embed: true }) } }, () => 1) as APIRoute;
    expect(shouldEmbedBody(flatBodyParams(embedded.dependant))).toBe(true);
  });

  test('class dependencies read decorated constructor parameters', () => {
    class Paging {
      constructor(
        @Query('skip', Int.default(0)) readonly skip: number,
        @Header('x_limit', Int.optional()) readonly limit?: number,
      ) {}
    }
    const node = getDependant('/', Paging);
    expect(node.callStyle).toBe('construct');
    expect(node.queryParams.map((p) => p.alias)).toEqual(['skip']);
    expect(node.headerParams.map((p) => p.alias)).toEqual(['x-limit']);
  });

  test('parameter names are read from sources', () => {
    expect(parameterNames(function f(a: number, b = 'x,y', { c }: { c: number } = { c: 1 }, ...rest: unknown[]) { return [a, b, c, rest]; })).toEqual(['a', 'b', undefined, 'rest']);
    expect(parameterNames((x: number) => x)).toEqual(['x']);
    class K { constructor(/* comment, */ readonly one: string, two: number) { void two; } }
    expect(parameterNames(K, 'class')).toEqual(['one', 'two']);
  });
});

describe('which routes need a dependency cache', () => {
  const plan = (params: Parameters<FastAPI['get']>[1]['params']) => (new FastAPI().get('/', { params }, () => 1) as APIRoute).plan;
  const leaf = dependency({}, () => 1);
  const other = dependency({}, () => 2);

  test('a dependency reached once is not cached; reached twice, through any path, it is', () => {
    expect(plan({ a: Depends(leaf), b: Depends(other) }).noRepeatedDependency).toBe(true);
    expect(plan({ a: Depends(leaf), b: Depends(dependency({ x: Depends(leaf) }, () => 3)) }).noRepeatedDependency).toBe(false);
    // Below a dependency that is itself not cached.
    expect(plan({ a: Depends(leaf), b: Depends(dependency({ x: Depends(leaf) }, () => 3), { useCache: false }) }).noRepeatedDependency).toBe(false);
  });

  test('dependencies that are never cached do not count as repeats', () => {
    expect(plan({ a: Depends(leaf, { useCache: false }), b: Depends(leaf, { useCache: false }) }).noRepeatedDependency).toBe(true);
  });
});

describe('the per-request plan', () => {
  function context(scope: Partial<SolveContext['scope']>): SolveContext {
    const full = { type: 'http', method: 'GET', path: '/', query_string: '', headers: [], path_params: {}, ...scope } as unknown as SolveContext['scope'];
    return {
      scope: full,
      connection: new Request(full),
      body: undefined,
      embedBody: false,
      errors: [],
      cache: new Map(),
      requestStack: [],
      functionStack: [],
    };
  }

  test('a tree of sync dependencies resolves without a promise', () => {
    const a = dependency({ n: Query(Int) }, ({ n }) => n + 1);
    const b = dependency({ a: Depends(a) }, ({ a: v }) => v * 2);
    @Controller()
    class C {
      @Get('/')
      get(@Depends(b) value: number, @Depends(a) again: number) {
        return { value, again };
      }
    }
    const route = new FastAPI().include(C).routes.find((r) => (r as APIRoute).dependant) as APIRoute;
    const result = solve(route.dependant, context({ query_string: 'n=3' }), true);
    expect(result).toEqual({ value: 8, again: 4 });
    const failed = context({ query_string: 'n=x' });
    expect(solve(route.dependant, failed, true)).toBe(FAILED);
    expect(failed.errors.map((e) => e.loc)).toEqual([['query', 'n']]);
  });

  test('an async dependency makes the result a promise', async () => {
    const slow = dependency({}, async () => 5);
    const route = new FastAPI().get('/', { params: { v: Depends(slow) } }, ({ v }) => v) as APIRoute;
    const result = solve(route.dependant, context({}), true);
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toBe(5);
  });
});
