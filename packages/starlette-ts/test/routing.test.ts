import {
  BaseRoute,
  Host,
  Match,
  JSONResponse,
  Mount,
  NoMatchFound,
  PlainTextResponse,
  Request,
  Route,
  RouteDefinitionError,
  Router,
  Starlette,
  TestClient,
  UploadFile,
  WebSocket,
  WebSocketDisconnect,
  WebSocketRoute,
  registerUrlConvertor,
} from '../src';
import type { Receive, Scope, Send } from 'asgi-core';
import type { MatchResult } from '../src/routing';
import { URLPath } from '../src/url';

const params = (request: Request) => new JSONResponse(request.pathParams);

function usersApp(): Router {
  return new Router({
    routes: [
      new Route('/', () => new PlainTextResponse('Hello, world'), { name: 'home' }),
      new Route('/users', () => new PlainTextResponse('All users'), { name: 'users' }),
      new Route('/users/me', () => new PlainTextResponse('User me')),
      new Route('/users/{username}', (r) => new PlainTextResponse(`User ${r.pathParams.username}`), { name: 'user' }),
      new Route('/items/{id:int}', params, { name: 'item' }),
      new Route('/price/{amount:float}', params, { name: 'price' }),
      new Route('/files/{rest:path}', params, { name: 'file' }),
      new Route('/objects/{uid:uuid}', params, { name: 'object' }),
      new Route('/create', () => new PlainTextResponse('created'), { methods: ['POST'] }),
      new Route('/multi', (r) => new PlainTextResponse(r.method), { methods: ['get', 'put'] }),
      new Mount('/static', { app: new PlainTextResponse('static file'), name: 'static' }),
    ],
  });
}

describe('Router matching', () => {
  const client = new TestClient(usersApp());

  test('routes by exact path and by template, in order', async () => {
    let r = await client.get('/');
    expect([r.status, r.text]).toEqual([200, 'Hello, world']);
    r = await client.get('/users/me');
    expect(r.text).toBe('User me');
    r = await client.get('/users/tomchristie');
    expect(r.text).toBe('User tomchristie');
  });

  test('unknown paths answer 404 Not Found as plain text', async () => {
    const r = await client.get('/nope');
    expect(r.status).toBe(404);
    expect(r.text).toBe('Not Found');
    expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  });

  test('wrong method answers 405 with an Allow header', async () => {
    const r = await client.get('/create');
    expect(r.status).toBe(405);
    expect(r.text).toBe('Method Not Allowed');
    expect(r.headers.get('allow')).toBe('POST');
    const multi = await client.delete('/multi');
    expect(multi.status).toBe(405);
    expect(multi.headers.get('allow')).toBe('GET, PUT, HEAD');
  });

  test('GET routes answer HEAD without a body', async () => {
    const r = await client.head('/users');
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    expect(r.headers.get('content-length')).toBe('9');
  });

  test('convertors turn path text into typed values', async () => {
    expect((await client.get('/items/42')).json()).toEqual({ id: 42 });
    expect((await client.get('/price/9.75')).json()).toEqual({ amount: 9.75 });
    expect((await client.get('/price/3')).json()).toEqual({ amount: 3 });
    expect((await client.get('/files/a/b/c.txt')).json()).toEqual({ rest: 'a/b/c.txt' });
    expect((await client.get('/objects/12345678123456781234567812345678')).json()).toEqual({
      uid: '12345678-1234-5678-1234-567812345678',
    });
    expect((await client.get('/objects/ABCDEF12-3456-7890-ABCD-EF1234567890')).json()).toEqual({
      uid: 'abcdef12-3456-7890-abcd-ef1234567890',
    });
  });

  test('convertor mismatches are 404, not 500', async () => {
    expect((await client.get('/items/abc')).status).toBe(404);
    expect((await client.get('/items/-1')).status).toBe(404);
    expect((await client.get('/items/1.5')).status).toBe(404);
    expect((await client.get('/items/99999999999999999999999')).status).toBe(404);
    expect((await client.get('/price/1e5')).status).toBe(404);
    expect((await client.get('/objects/not-a-uuid')).status).toBe(404);
  });

  test('percent-encoded paths are matched decoded; invalid escapes stay literal', async () => {
    expect((await client.get('/users/j%C3%BCrgen')).text).toBe('User jürgen');
    expect((await client.get('/users/a%20b')).text).toBe('User a b');
    expect((await client.get('/users/%zz')).text).toBe('User %zz');
    // An encoded slash decodes to "/" and so no longer fits a single segment.
    expect((await client.get('/users/a%2Fb')).status).toBe(404);
    expect((await client.get('/files/a%2Fb')).json()).toEqual({ rest: 'a/b' });
  });

  test('redirectSlashes sends 307 to the twin path, keeping the query', async () => {
    const noFollow = new TestClient(usersApp(), { followRedirects: false });
    let r = await noFollow.get('/users/');
    expect(r.status).toBe(307);
    expect(r.headers.get('location')).toBe('http://testserver/users');
    r = await noFollow.get('/static?x=1');
    expect(r.status).toBe(307);
    expect(r.headers.get('location')).toBe('http://testserver/static/?x=1');
    r = await client.get('/users/');
    expect([r.status, r.text, r.history.length]).toEqual([200, 'All users', 1]);
  });

  test('redirectSlashes can be turned off', async () => {
    const router = usersApp();
    router.redirectSlashes = false;
    expect((await new TestClient(router, { followRedirects: false }).get('/users/')).status).toBe(404);
  });
});

describe('the child scope of a match', () => {
  /** An ASGI app that records the scope it was called with. */
  function recorder(seen: Scope[]) {
    return async (scope: Scope, receive: Receive, send: Send) => {
      seen.push({ ...scope });
      await new PlainTextResponse('ok')(scope, receive, send);
    };
  }

  test('a Route, a Host and a WebSocketRoute set endpoint and path_params; other scope keys stay', async () => {
    const seen: Scope[] = [];
    const endpoint = recorder(seen);
    const viaHost = recorder(seen);
    const app = new Router({
      routes: [new Route('/items/{id:int}', endpoint, { methods: ['GET'] }), new Host('{sub}.example.org', viaHost)],
    });
    const client = new TestClient(app);
    await client.get('/items/7');
    await client.get('/x', { headers: { host: 'eu.example.org' } });
    expect(seen.map((scope) => [scope.endpoint, scope.path_params, scope.path, scope.type])).toEqual([
      [endpoint, { id: 7 }, '/items/7', 'http'],
      [viaHost, { sub: 'eu' }, '/x', 'http'],
    ]);
    const sockets: Scope[] = [];
    const session = async (scope: Scope, receive: Receive, send: Send) => {
      sockets.push({ ...scope });
      await send({ type: 'websocket.close', code: 1000 });
    };
    await expect(new TestClient(new Router({ routes: [new WebSocketRoute('/ws/{room}', session)] })).websocketConnect('/ws/lobby')).rejects.toEqual(
      new WebSocketDisconnect(1000),
    );
    expect([sockets[0].endpoint, sockets[0].path_params]).toEqual([session, { room: 'lobby' }]);
  });

  test('a partial match (the method is not allowed) merges the same keys before the 405', async () => {
    const seen: Scope[] = [];
    const route = new Route('/items/{id}', recorder(seen), { methods: ['GET'] });
    const app = new Router({ routes: [route] });
    const merged: Scope[] = [];
    const spy = jest.spyOn(route, 'handle').mockImplementation(async (scope, receive, send) => {
      merged.push({ ...scope });
      await new PlainTextResponse('Method Not Allowed', { status: 405 })(scope, receive, send);
    });
    expect((await new TestClient(app).post('/items/a')).status).toBe(405);
    expect([merged[0].endpoint, merged[0].path_params]).toEqual([route.endpoint, { id: 'a' }]);
    spy.mockRestore();
  });

  test("any other child (a Mount's, a custom route's) is merged key by key as it is", async () => {
    const seen: Scope[] = [];
    class Tagged extends BaseRoute {
      matches(scope: Scope): MatchResult {
        return scope.type === 'http' ? [Match.FULL, { tag: 'custom', path_params: { fixed: 1 } }] : [Match.NONE, {}];
      }
      urlPathFor(): URLPath {
        return new URLPath('/');
      }
      handle(scope: Scope, receive: Receive, send: Send): Promise<void> {
        return recorder(seen)(scope, receive, send);
      }
    }
    const app = new Router({ routes: [new Mount('/api', { app: new Router({ routes: [new Tagged()] }) })] });
    await new TestClient(app).get('/api/anything');
    expect([seen[0].tag, seen[0].path_params, seen[0].root_path, seen[0].app_root_path]).toEqual(['custom', { fixed: 1 }, '/api', '']);
    // Used alone, a route merges its child the same way.
    await new TestClient(new Tagged()).get('/alone');
    expect([seen[1].tag, seen[1].path_params]).toEqual(['custom', { fixed: 1 }]);
  });
});

describe('Router scan order', () => {
  test('a Route subclass with its own matches() is always asked, in order with the plain routes', async () => {
    class AnyPath extends Route {
      override matches(scope: Scope) {
        return super.matches({ ...scope, path: '/fixed' } as Scope);
      }
    }
    const asked: string[] = [];
    class Spy extends Route {
      override matches(scope: Scope) {
        asked.push(String(scope.path));
        return super.matches(scope);
      }
    }
    const router = new Router({
      routes: [
        new Route('/a', () => new PlainTextResponse('a')),
        new Spy('/b', () => new PlainTextResponse('b')),
        new AnyPath('/fixed', () => new PlainTextResponse('any')),
        new Route('/c', () => new PlainTextResponse('c')),
      ],
    });
    const client = new TestClient(router);
    expect((await client.get('/a')).text).toBe('a');
    expect((await client.get('/c')).text).toBe('any'); // the subclass before it wins
    expect((await client.get('/b')).text).toBe('b');
    expect(asked).toEqual(['/c', '/b']); // not asked for /a, which an earlier route took
  });

  test('routes appended after the first request, and websocket and templated routes, are matched as before', async () => {
    const router = new Router({ routes: [new Route('/users/{id:int}', (r) => new JSONResponse(r.pathParams))] });
    const client = new TestClient(router);
    expect((await client.get('/users/7')).json()).toEqual({ id: 7 });
    expect((await client.get('/late')).status).toBe(404);
    router.addRoute('/late', () => new PlainTextResponse('late'));
    router.addWebsocketRoute('/late', async (ws: WebSocket) => {
      await ws.accept();
      await ws.sendText('ws late');
      await ws.close();
    });
    expect((await client.get('/late')).text).toBe('late');
    const session = await client.websocketConnect('/late');
    expect(await session.receiveText()).toBe('ws late');
    await session.close();
  });
});

describe('Router scan order with the route index (a 1-level radix)', () => {
  const text = (body: string) => () => new PlainTextResponse(body);

  test('the first route that matches wins, whether static or templated, in the same segment or not', async () => {
    const router = new Router({
      routes: [
        new Route('/users/{name}', (r) => new PlainTextResponse(`user ${r.pathParams.name}`)),
        new Route('/users/me', text('me')), // shadowed by the template before it, as in Starlette
        new Route('/items/special', text('special'), { methods: ['POST'] }),
        new Route('/items/{id:int}', (r) => new JSONResponse(r.pathParams)),
        new Route('/items/{slug}', (r) => new PlainTextResponse(`slug ${r.pathParams.slug}`)),
        new Route('/pre{rest:path}', (r) => new PlainTextResponse(`pre ${r.pathParams.rest}`)), // no segment of its own
        new Route('/', text('home')),
        new Mount('/mounted', { routes: [new Route('/x', text('mounted x'))] }),
      ],
    });
    const client = new TestClient(router);
    expect((await client.get('/users/me')).text).toBe('user me');
    expect((await client.get('/items/3')).json()).toEqual({ id: 3 });
    // A PARTIAL (wrong method) static route is passed over for a later FULL match.
    expect((await client.get('/items/special')).text).toBe('slug special');
    expect((await client.post('/items/special')).text).toBe('special');
    expect((await client.get('/prefix/a')).text).toBe('pre fix/a');
    expect((await client.get('/pre')).text).toBe('pre ');
    expect((await client.get('/')).text).toBe('home');
    expect((await client.get('/mounted/x')).text).toBe('mounted x');
    expect((await client.get('/users')).status).toBe(404);
    expect((await client.get('/nowhere/at/all')).status).toBe(404);
  });

  test('a route replaced or removed in place is seen on the next request', async () => {
    const router = new Router({ routes: [new Route('/a', text('first a')), new Route('/b/{x}', text('b'))] });
    const client = new TestClient(router);
    expect((await client.get('/a')).text).toBe('first a');
    router.routes[0] = new Route('/a', text('second a'));
    expect((await client.get('/a')).text).toBe('second a');
    router.routes[0] = new Route('/b/{x}', text('new b'));
    expect((await client.get('/a')).status).toBe(404);
    expect((await client.get('/b/1')).text).toBe('new b');
    router.routes.splice(0, 1);
    expect((await client.get('/b/1')).text).toBe('b');
  });

  test('a route whose matches() is replaced on the instance is asked about every path', async () => {
    const route = new Route('/only', text('only'));
    route.matches = (scope: Scope) => Route.prototype.matches.call(route, { ...scope, path: '/only' } as Scope);
    const client = new TestClient(new Router({ routes: [new Route('/x', text('x')), route] }));
    expect((await client.get('/x')).text).toBe('x');
    expect((await client.get('/anything/else')).text).toBe('only');
  });
});

describe('Mount', () => {
  test('grows root_path and keeps the full path in the child scope', async () => {
    const seen: Scope[] = [];
    const inner = async (scope: Scope, receive: Receive, send: Send) => {
      seen.push({ ...scope });
      await new PlainTextResponse('ok')(scope, receive, send);
    };
    const app = new Router({ routes: [new Mount('/api', [new Mount('/v1', { app: inner })])] });
    const r = await new TestClient(app).get('/api/v1/things/1');
    expect(r.text).toBe('ok');
    expect(seen[0].path).toBe('/api/v1/things/1');
    expect(seen[0].root_path).toBe('/api/v1');
    expect(seen[0].app_root_path).toBe('');
  });

  test('mounted routes see path params of the mount and their own', async () => {
    const app = new Router({
      routes: [new Mount('/org/{org}', [new Route('/repo/{repo}', params)])],
    });
    expect((await new TestClient(app).get('/org/acme/repo/rocket')).json()).toEqual({ org: 'acme', repo: 'rocket' });
  });

  test('a mount accepts routes, an app or an options object', async () => {
    const router = new Router({ routes: [new Route('/', () => new PlainTextResponse('inner'))] });
    const app = new Router({
      routes: [
        new Mount('/a', router),
        new Mount('/b', [new Route('/', () => new PlainTextResponse('list'))]),
        new Mount('/c', { routes: [new Route('/', () => new PlainTextResponse('opts'))] }),
      ],
    });
    const client = new TestClient(app);
    expect((await client.get('/a/')).text).toBe('inner');
    expect((await client.get('/b/')).text).toBe('list');
    expect((await client.get('/c/')).text).toBe('opts');
  });

  test('urlFor builds mounted names with the prefix and respects root_path', async () => {
    const app = new Starlette({
      routes: [
        new Mount('/users', { routes: [new Route('/{id:int}', (r) => new PlainTextResponse(String(r.urlFor('users:detail', { id: 7 }))), { name: 'detail' })], name: 'users' }),
        new Mount('/static', { app: new PlainTextResponse('x'), name: 'static' }),
      ],
    });
    const client = new TestClient(app, { rootPath: '/proxy' });
    expect((await client.get('/proxy/users/1')).text).toBe('http://testserver/proxy/users/7');
    expect(app.urlPathFor('static', { path: '/css/site.css' }).toString()).toBe('/static/css/site.css');
    expect(app.urlPathFor('users:detail', { id: 3 }).toString()).toBe('/users/3');
  });
});

describe('urlPathFor', () => {
  const router = usersApp();

  test('fills path params with their convertors', () => {
    expect(router.urlPathFor('home').toString()).toBe('/');
    expect(router.urlPathFor('user', { username: 'tom' }).toString()).toBe('/users/tom');
    expect(router.urlPathFor('item', { id: 12 }).toString()).toBe('/items/12');
    expect(router.urlPathFor('price', { amount: 1.5 }).toString()).toBe('/price/1.5');
    expect(router.urlPathFor('file', { rest: 'a/b' }).toString()).toBe('/files/a/b');
  });

  test('throws NoMatchFound naming the route and params', () => {
    expect(() => router.urlPathFor('missing', { a: 1, b: 2 })).toThrow(new NoMatchFound('missing', { a: 1, b: 2 }));
    expect(() => router.urlPathFor('missing', { a: 1, b: 2 })).toThrow('No route exists for name "missing" and params "a, b".');
    expect(() => router.urlPathFor('item', {})).toThrow(NoMatchFound);
    expect(() => router.urlPathFor('item', { id: 1, extra: 2 })).toThrow(NoMatchFound);
  });

  test('convertors refuse values that cannot round-trip', () => {
    expect(() => router.urlPathFor('user', { username: 'a/b' })).toThrow('May not contain path separators');
    expect(() => router.urlPathFor('item', { id: -1 })).toThrow('Negative integers are not supported');
    expect(() => router.urlPathFor('price', { amount: Number.NaN })).toThrow('NaN values are not supported');
  });
});

describe('path compilation', () => {
  test('unknown convertors and duplicated params fail at construction', () => {
    expect(() => new Route('/x/{id:nope}', params)).toThrow(RouteDefinitionError);
    expect(() => new Route('/x/{id:nope}', params)).toThrow("Unknown path convertor 'nope'");
    expect(() => new Route('/{a}/{a}', params)).toThrow('Duplicated param name a at path /{a}/{a}');
    expect(() => new Route('/{a}/{b}/{a}/{b}', params)).toThrow('Duplicated param names a, b at path');
    expect(() => new Route('no-slash', params)).toThrow("Routed paths must start with '/'");
  });

  test('regex metacharacters in literal segments are matched literally', async () => {
    const app = new Router({ routes: [new Route('/a.b/(x)+', () => new PlainTextResponse('literal'))] });
    const client = new TestClient(app);
    expect((await client.get('/a.b/(x)+')).text).toBe('literal');
    expect((await client.get('/aXb/(x)+')).status).toBe(404);
    expect((await client.get('/a.b/xx')).status).toBe(404);
  });

  test('custom convertors can be registered', async () => {
    registerUrlConvertor('hex', { regex: '[0-9a-f]+', convert: (v) => parseInt(v, 16), toString: (v: number) => v.toString(16) });
    const router = new Router({ routes: [new Route('/h/{n:hex}', params, { name: 'hex' })] });
    expect((await new TestClient(router).get('/h/ff')).json()).toEqual({ n: 255 });
    expect(router.urlPathFor('hex', { n: 255 }).toString()).toBe('/h/ff');
  });
});

describe('endpoints', () => {
  test('an ASGI app endpoint accepts every method; a handler defaults to GET', async () => {
    const asgi = async (scope: Scope, receive: Receive, send: Send) => {
      await new PlainTextResponse(`asgi ${(scope as { method: string }).method}`)(scope, receive, send);
    };
    const router = new Router({ routes: [new Route('/asgi', asgi), new Route('/obj', new PlainTextResponse('response object'))] });
    const client = new TestClient(router);
    expect((await client.delete('/asgi')).text).toBe('asgi DELETE');
    expect((await client.post('/obj')).text).toBe('response object');
  });

  test('the route name defaults to the function name', () => {
    function listThings() {
      return new PlainTextResponse('');
    }
    expect(new Route('/', listThings).name).toBe('listThings');
  });

  test('an endpoint that returns a non-response fails clearly', async () => {
    const router = new Router({ routes: [new Route('/', () => ({ not: 'a response' }))] });
    await expect(new TestClient(router).get('/')).rejects.toThrow('Endpoint must return a Response (an ASGI app), got object');
  });

  test('a Route used alone answers 404 for other paths', async () => {
    const route = new Route('/only', () => new PlainTextResponse('only'));
    const client = new TestClient(route);
    expect((await client.get('/only')).text).toBe('only');
    expect((await client.get('/other')).status).toBe(404);
  });
});

describe('Host', () => {
  test('routes by the Host header, ignoring the port, with host params', async () => {
    const api = new Router({ routes: [new Route('/', (r) => new JSONResponse({ api: r.pathParams }))] });
    const www = new Router({ routes: [new Route('/', () => new PlainTextResponse('www'))] });
    const app = new Router({ routes: [new Host('www.example.org', www), new Host('{sub}.example.org', { app: api, name: 'api' })] });
    const client = new TestClient(app, { baseUrl: 'http://www.example.org:8080' });
    expect((await client.get('/')).text).toBe('www');
    expect((await client.get('/', { headers: { host: 'eu.example.org' } })).json()).toEqual({ api: { sub: 'eu' } });
    expect((await client.get('/', { headers: { host: 'other.net' } })).status).toBe(404);
    expect(app.urlPathFor('api', { sub: 'us', path: '/x' }).makeAbsoluteUrl('http://www.example.org/').toString()).toBe(
      'http://us.example.org/x',
    );
  });
});

describe('WebSocketRoute', () => {
  test('routes websockets with path params; unknown paths close the handshake', async () => {
    const app = new Router({
      routes: [
        new WebSocketRoute('/ws/{room}', async (ws: WebSocket) => {
          await ws.accept();
          await ws.sendJson({ room: ws.pathParams.room });
          await ws.close();
        }),
      ],
    });
    const client = new TestClient(app);
    const session = await client.websocketConnect('/ws/lobby');
    expect(await session.receiveJson()).toEqual({ room: 'lobby' });
    await session.close();
    await expect(client.websocketConnect('/nowhere')).rejects.toEqual(new WebSocketDisconnect(1000));
  });
});

describe('requestResponse', () => {
  test('closes the uploaded files of a parsed form once the response is sent', async () => {
    const uploads: UploadFile[] = [];
    const app = new Router({
      routes: [
        new Route('/upload', async (request: Request) => {
          const form = await request.form();
          const file = form.get('file') as UploadFile;
          uploads.push(file);
          return new PlainTextResponse(`${file.filename}: ${(await file.read()).length}`);
        }, { methods: ['POST'] }),
      ],
    });
    const client = new TestClient(app);
    const big = Buffer.alloc(2 * 1024 * 1024, 'x'); // above the 1 MiB spool threshold: lives in a temp file
    const res = await client.post('/upload', { files: { file: ['big.bin', big] } });
    expect(res.status).toBe(200);
    expect(res.text).toBe('big.bin: 2097152');
    await expect(uploads[0].read()).rejects.toThrow('Cannot read UploadFile "big.bin": it is closed');
  });
});
