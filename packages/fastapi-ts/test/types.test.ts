// Type-level tests of the functional API's inference: `tsc -p tsconfig.json --noEmit`
// (the package's lint script) checks every `@ts-expect-error` below still errors.
import 'reflect-metadata';
import { z } from 'zod';
import { BackgroundTasks, Body, Cookie, Depends, dependency, FastAPI, Header, Int, Model, Path, Query, Request, Response, type Values } from '../src';

class Item extends Model('Item', { name: z.string(), price: z.number(), tags: z.array(z.string()).default([]) }) {}

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(value: T): T => value;

const getDb = dependency({}, async function* () {
  yield { find: (id: number) => ({ id }) };
});
const common = dependency({ q: Query(z.string().optional()), skip: Query(Int.default(0)) }, ({ q, skip }) => ({ q, skip }));

describe('functional API inference', () => {
  test('handler arguments are inferred from the declarations', () => {
    const app = new FastAPI();
    app.get(
      '/items/{item_id}',
      {
        params: {
          item_id: Path(Int),
          q: Query(z.string().optional()),
          ua: Header(),
          session: Cookie(z.string().nullable().default(null)),
          item: Item,
          extra: Body(z.object({ n: z.number() })),
          db: Depends(getDb),
          commons: Depends(common),
          request: Request,
          response: Response,
          tasks: BackgroundTasks,
        },
      },
      ({ item_id, q, ua, session, item, extra, db, commons, request, response, tasks }) => {
        assertType<Equal<typeof item_id, number>>(true);
        assertType<Equal<typeof q, string | undefined>>(true);
        assertType<Equal<typeof ua, string>>(true);
        assertType<Equal<typeof session, string | null>>(true);
        assertType<Equal<typeof item.tags, string[]>>(true);
        assertType<Equal<typeof extra, { n: number }>>(true);
        assertType<Equal<typeof commons, { q: string | undefined; skip: number }>>(true);
        assertType<Equal<ReturnType<typeof db.find>, { id: number }>>(true);
        assertType<Equal<typeof request, Request>>(true);
        assertType<Equal<typeof response, Response>>(true);
        assertType<Equal<typeof tasks, BackgroundTasks>>(true);
        // @ts-expect-error item_id is a number, not a string
        item_id.toUpperCase();
        // @ts-expect-error q may be undefined
        q.toUpperCase();
        // @ts-expect-error no such parameter was declared
        void (arguments as unknown as Values<{ a: typeof ua }>).b;
        return { item_id };
      },
    );
    // @ts-expect-error the handler cannot ask for an undeclared parameter
    app.get('/x', { params: { a: Query() } }, ({ b }) => b);
    // @ts-expect-error a declaration map takes declarations, not plain values
    expect(() => app.get('/y', { params: { a: 'nope' } }, () => 1)).toThrow('is not injectable');
    app.get('/hello', {}, () => ({ message: 'Hello World' }));
    expect(app.routes.length).toBeGreaterThan(2);
  });

  test('dependency() infers its own parameters and its value', () => {
    const dep = dependency({ n: Query(Int), flag: Query(z.boolean().default(false)) }, ({ n, flag }) => (flag ? n * 2 : n));
    const v = Depends(dep);
    type V = typeof v extends { (...args: never[]): void } ? true : false;
    assertType<V>(true);
    // @ts-expect-error n is a number
    dependency({ n: Query(Int) }, ({ n }: { n: string }) => n);
    expect(typeof dep).toBe('function');
  });

  test('Model classes are types with their fields', () => {
    const item = new Item({ name: 'x', price: 1 });
    assertType<Equal<typeof item.price, number>>(true);
    // @ts-expect-error price must be a number
    expect(() => new Item({ name: 'x', price: 'one' })).toThrow('float_parsing');
    expect(item.tags).toEqual([]);
  });
});
