// FastAPI's tutorial tests for dependencies (tutorial/dependencies: functions,
// classes, sub-dependencies, in decorators/routers/app, overrides), ported.
import 'reflect-metadata';
import { z } from 'zod';
import { APIRouter, Controller, Cookie, Depends, dependency, FastAPI, Get, Header, HTTPException, Int, Query, Request } from '../src';
import { call } from './helpers';

const fakeItemsDb = [{ item_name: 'Foo' }, { item_name: 'Bar' }, { item_name: 'Baz' }];
const optionalQ = () => Query(z.string().nullable().default(null));

const commonParameters = dependency(
  { q: optionalQ(), skip: Query(Int.default(0)), limit: Query(Int.default(100)) },
  ({ q, skip, limit }) => ({ q, skip, limit }),
);

class CommonQueryParams {
  constructor(
    @Query('q', z.string().nullable().default(null)) public q: string | null,
    @Query('skip', Int.default(0)) public skip: number,
    @Query('limit', Int.default(100)) public limit: number,
  ) {}
}

const queryExtractor = dependency({ q: optionalQ() }, ({ q }) => q);
const queryOrCookieExtractor = dependency(
  { q: Depends(queryExtractor), last_query: Cookie(z.string().nullable().default(null)) },
  ({ q, last_query }) => q ?? last_query,
);

const verifyToken = dependency({ x_token: Header(z.string()) }, ({ x_token }) => {
  if (x_token !== 'fake-super-secret-token') throw new HTTPException(400, 'X-Token header invalid');
});
const verifyKey = dependency({ x_key: Header(z.string()) }, ({ x_key }) => {
  if (x_key !== 'fake-super-secret-key') throw new HTTPException(400, 'X-Key header invalid');
  return x_key;
});

@Controller()
class ItemsController {
  @Get('/items/')
  readItems(@Depends(commonParameters) commons: { q: string | null; skip: number; limit: number }) {
    return commons;
  }

  @Get('/class-items/')
  classItems(@Depends() commons: CommonQueryParams) {
    const response: Record<string, unknown> = {};
    if (commons.q) response.q = commons.q;
    response.items = fakeItemsDb.slice(commons.skip, commons.skip + commons.limit);
    return response;
  }

  @Get('/sub/')
  sub(@Depends(queryOrCookieExtractor) queryOrDefault: string | null) {
    return { q_or_cookie: queryOrDefault };
  }

  @Get('/guarded/', { dependencies: [Depends(verifyToken), Depends(verifyKey)] })
  guarded() {
    return [{ item: 'Foo' }, { item: 'Bar' }];
  }
}

const app = new FastAPI();
app.include(ItemsController);

describe('function dependencies (tutorial/dependencies 001)', () => {
  test.each([
    ['/items/', { q: null, skip: 0, limit: 100 }],
    ['/items/?q=foo', { q: 'foo', skip: 0, limit: 100 }],
    ['/items/?q=foo&skip=5', { q: 'foo', skip: 5, limit: 100 }],
    ['/items/?q=foo&skip=5&limit=30', { q: 'foo', skip: 5, limit: 30 }],
  ])('%s', async (url, expected) => {
    const r = await call(app, 'GET', url);
    expect([r.status, r.json()]).toEqual([200, expected]);
  });

  test("a dependency's parameters are validated with the request", async () => {
    const r = await call(app, 'GET', '/items/?skip=x&limit=y');
    expect(r.json()).toEqual({
      detail: [
        { type: 'int_parsing', loc: ['query', 'skip'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'x' },
        { type: 'int_parsing', loc: ['query', 'limit'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'y' },
      ],
    });
  });
});

describe('class dependencies (tutorial/dependencies 002-004)', () => {
  test.each([
    ['/class-items', { items: fakeItemsDb }],
    ['/class-items?q=foo', { q: 'foo', items: fakeItemsDb }],
    ['/class-items?q=foo&skip=1', { q: 'foo', items: [{ item_name: 'Bar' }, { item_name: 'Baz' }] }],
    ['/class-items?q=bar&limit=2', { q: 'bar', items: [{ item_name: 'Foo' }, { item_name: 'Bar' }] }],
    ['/class-items?q=bar&skip=1&limit=1', { q: 'bar', items: [{ item_name: 'Bar' }] }],
    ['/class-items?limit=1&q=bar&skip=1', { q: 'bar', items: [{ item_name: 'Bar' }] }],
  ])('%s', async (url, expected) => {
    const r = await call(app, 'GET', url.replace('/class-items', '/class-items/'));
    expect([r.status, r.json()]).toEqual([200, expected]);
  });
});

describe('sub-dependencies (tutorial/dependencies 005)', () => {
  test.each([
    ['/sub/?q=foo', {}, { q_or_cookie: 'foo' }],
    ['/sub/', { Cookie: 'last_query=bar' }, { q_or_cookie: 'bar' }],
    ['/sub/?q=foo', { Cookie: 'last_query=bar' }, { q_or_cookie: 'foo' }],
    ['/sub/', {}, { q_or_cookie: null }],
  ])('%s %j', async (url, headers, expected) => {
    const r = await call(app, 'GET', url, { headers });
    expect([r.status, r.json()]).toEqual([200, expected]);
  });
});

describe('dependencies in path operation decorators (tutorial/dependencies 006)', () => {
  test('missing headers of both dependencies are reported together', async () => {
    const r = await call(app, 'GET', '/guarded/');
    expect([r.status, r.json()]).toEqual([
      422,
      {
        detail: [
          { type: 'missing', loc: ['header', 'x-token'], msg: 'Field required', input: null },
          { type: 'missing', loc: ['header', 'x-key'], msg: 'Field required', input: null },
        ],
      },
    ]);
  });

  test('an invalid token', async () => {
    const r = await call(app, 'GET', '/guarded/', { headers: { 'X-Token': 'invalid', 'X-Key': 'fake-super-secret-key' } });
    expect([r.status, r.json()]).toEqual([400, { detail: 'X-Token header invalid' }]);
  });

  test('an invalid key', async () => {
    const r = await call(app, 'GET', '/guarded/', { headers: { 'X-Token': 'fake-super-secret-token', 'X-Key': 'invalid' } });
    expect([r.status, r.json()]).toEqual([400, { detail: 'X-Key header invalid' }]);
  });

  test('valid headers', async () => {
    const r = await call(app, 'GET', '/guarded/', { headers: { 'X-Token': 'fake-super-secret-token', 'X-Key': 'fake-super-secret-key' } });
    expect([r.status, r.json()]).toEqual([200, [{ item: 'Foo' }, { item: 'Bar' }]]);
  });
});

describe('global dependencies (tutorial/dependencies 012) and router/controller dependencies', () => {
  const g = new FastAPI({ dependencies: [Depends(verifyToken), Depends(verifyKey)] });
  g.get('/items/', {}, () => [{ item: 'Portal Gun' }, { item: 'Plumbus' }]);
  g.get('/users/', {}, () => [{ username: 'Rick' }, { username: 'Morty' }]);
  const router = new APIRouter({ prefix: '/r', dependencies: [Depends(verifyToken)] });
  router.get('/x', {}, () => 'ok');
  const app2 = new FastAPI();
  app2.includeRouter(router, { dependencies: [Depends(verifyKey)] });

  @Controller('/c', { dependencies: [Depends(verifyKey)] })
  class Guarded {
    @Get('/')
    get() {
      return 'c';
    }
  }
  app2.include(Guarded);
  const ok = { 'X-Token': 'fake-super-secret-token', 'X-Key': 'fake-super-secret-key' };

  test.each(['/items/', '/users/'])('%s needs both headers', async (url) => {
    expect((await call(g, 'GET', url)).status).toBe(422);
    expect((await call(g, 'GET', url, { headers: { ...ok, 'X-Token': 'invalid' } })).json()).toEqual({ detail: 'X-Token header invalid' });
    expect((await call(g, 'GET', url, { headers: { ...ok, 'X-Key': 'invalid' } })).json()).toEqual({ detail: 'X-Key header invalid' });
    expect((await call(g, 'GET', url, { headers: ok })).status).toBe(200);
  });

  test('router and include dependencies both apply, include ones first', async () => {
    const r = await call(app2, 'GET', '/r/x');
    expect(r.json().detail.map((e: { loc: unknown }) => e.loc)).toEqual([
      ['header', 'x-key'],
      ['header', 'x-token'],
    ]);
    expect((await call(app2, 'GET', '/r/x', { headers: ok })).json()).toBe('ok');
  });

  test('controller dependencies apply', async () => {
    expect((await call(app2, 'GET', '/c/', { headers: { 'X-Key': 'invalid' } })).json()).toEqual({ detail: 'X-Key header invalid' });
    expect((await call(app2, 'GET', '/c/', { headers: ok })).json()).toBe('c');
  });
});

describe('caching, callable instances, injection by type', () => {
  test('a dependency runs once per request unless useCache is false', async () => {
    let calls = 0;
    const counted = dependency({}, () => ++calls);
    const a = new FastAPI();
    const both = dependency({ x: Depends(counted), y: Depends(counted) }, ({ x, y }) => [x, y]);
    a.get('/cached', { params: { pair: Depends(both), z: Depends(counted) } }, ({ pair, z: zz }) => [...pair, zz]);
    a.get('/uncached', { params: { a: Depends(counted, { useCache: false }), b: Depends(counted, { useCache: false }) } }, ({ a: x, b }) => [x, b]);
    expect((await call(a, 'GET', '/cached')).json()).toEqual([1, 1, 1]);
    expect((await call(a, 'GET', '/cached')).json()).toEqual([2, 2, 2]);
    expect((await call(a, 'GET', '/uncached')).json()).toEqual([3, 4]);
  });

  test('a repeat that only an override makes is cached too', async () => {
    // Without overrides no dependency of /pair appears twice, so it runs without a cache; overriding
    // `second` with `first` makes `first` appear twice, and it must still run once.
    let calls = 0;
    const first = dependency({}, () => ++calls);
    const second = dependency({}, () => -1);
    const a = new FastAPI();
    a.get('/pair', { params: { x: Depends(first), y: Depends(second) } }, ({ x, y }) => [x, y]);
    expect((await call(a, 'GET', '/pair')).json()).toEqual([1, -1]);
    a.dependencyOverrides.set(second, first);
    expect((await call(a, 'GET', '/pair')).json()).toEqual([2, 2]);
  });

  test('a callable instance (tutorial/dependencies 011)', async () => {
    class FixedContentQueryChecker {
      constructor(private readonly fixedContent: string) {}
      __call__(@Query('q', z.string().default('')) q: string) {
        return q ? this.fixedContent.includes(q) : false;
      }
    }
    const checker = new FixedContentQueryChecker('bar');
    const a = new FastAPI();
    a.get('/query-checker/', { params: { fixed_content_included: Depends(checker) } }, ({ fixed_content_included }) => ({ fixed_content_in_query: fixed_content_included }));
    expect((await call(a, 'GET', '/query-checker/')).json()).toEqual({ fixed_content_in_query: false });
    expect((await call(a, 'GET', '/query-checker/?q=foo')).json()).toEqual({ fixed_content_in_query: false });
    expect((await call(a, 'GET', '/query-checker/?q=bar')).json()).toEqual({ fixed_content_in_query: true });
  });

  test('Request is injected by type into dependencies', async () => {
    const client = dependency({ request: Request }, ({ request }) => request.headers.get('user-agent'));
    const a = new FastAPI();
    a.get('/ua', { params: { ua: Depends(client) } }, ({ ua }) => ({ ua }));
    expect((await call(a, 'GET', '/ua', { headers: { 'user-agent': 'jest' } })).json()).toEqual({ ua: 'jest' });
  });

  test('a dependency whose own sub-dependency failed is not called, siblings still are', async () => {
    const calls: string[] = [];
    const failing = dependency({ n: Query(Int) }, ({ n }) => n);
    const parent = dependency({ n: Depends(failing) }, () => calls.push('parent'));
    const sibling = dependency({}, () => calls.push('sibling'));
    const a = new FastAPI();
    a.get('/x', { params: { p: Depends(parent), s: Depends(sibling) } }, () => 'never');
    const r = await call(a, 'GET', '/x?n=abc');
    expect(r.status).toBe(422);
    expect(calls).toEqual(['sibling']);
  });
});

describe('dependency overrides (tutorial/testing_dependencies)', () => {
  const a = new FastAPI();
  a.get('/items/', { params: { commons: Depends(commonParameters) } }, ({ commons }) => ({ message: 'Hello Items!', params: commons }));
  a.get('/users/', { params: { commons: Depends(commonParameters) } }, ({ commons }) => ({ message: 'Hello Users!', params: commons }));
  const overrideDependency = dependency({ q: optionalQ() }, ({ q }) => ({ q, skip: 5, limit: 10 }));

  afterEach(() => a.dependencyOverrides.clear());

  test.each([
    ['/items/', { message: 'Hello Items!', params: { q: null, skip: 5, limit: 10 } }],
    ['/items/?q=foo', { message: 'Hello Items!', params: { q: 'foo', skip: 5, limit: 10 } }],
    ['/items/?q=foo&skip=100&limit=200', { message: 'Hello Items!', params: { q: 'foo', skip: 5, limit: 10 } }],
    ['/users/', { message: 'Hello Users!', params: { q: null, skip: 5, limit: 10 } }],
    ['/users/?q=foo&skip=100&limit=200', { message: 'Hello Users!', params: { q: 'foo', skip: 5, limit: 10 } }],
  ])('overridden: %s', async (url, expected) => {
    a.dependencyOverrides.set(commonParameters, overrideDependency);
    const r = await call(a, 'GET', url);
    expect([r.status, r.json()]).toEqual([200, expected]);
  });

  test('normal again after clearing', async () => {
    const r = await call(a, 'GET', '/items/?q=foo&skip=100&limit=200');
    expect(r.json()).toEqual({ message: 'Hello Items!', params: { q: 'foo', skip: 100, limit: 200 } });
  });

  test('an override with a plain function and no parameters', async () => {
    a.dependencyOverrides.set(commonParameters, () => ({ q: 'fixed' }));
    expect((await call(a, 'GET', '/items/?skip=x')).json()).toEqual({ message: 'Hello Items!', params: { q: 'fixed' } });
  });
});

describe('declaration errors are raised at start-up', () => {
  test('a path parameter that is not in the path', () => {
    expect(() => new FastAPI().get('/x', { params: { id: Query(), other: Depends(dependency({ item_id: Header() }, () => 1)) } }, () => 1)).not.toThrow();
    const { Path } = jest.requireActual('../src') as typeof import('../src');
    expect(() => new FastAPI().get('/x', { params: { id: Path() } }, () => 1)).toThrow('path parameter "id" is not in the path "/x"');
  });

  test('an undeclared parameter of an unknown type', () => {
    class Unknown {}
    @Controller()
    class Bad {
      @Get('/')
      get(x: Unknown) {
        return x;
      }
    }
    expect(() => new FastAPI().include(Bad)).toThrow('is not injectable');
  });
});
