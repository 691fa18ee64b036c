import {
  AppStartedError,
  HTTPException,
  JSONResponse,
  Middleware,
  PlainTextResponse,
  Request,
  Route,
  Starlette,
  TestClient,
  WebSocketRoute,
  WebSocketException,
  WebSocketDisconnect,
  LifespanError,
} from '../src';
import type { ASGIApp, Receive, Scope, Send, SendMessage } from 'asgi-core';

/** A pure ASGI middleware that appends its tag to an `x-trace` response header. */
class TraceMiddleware {
  constructor(private readonly app: ASGIApp, private readonly options: { tag: string; log: string[] }) {}
  async call(scope: Scope, receive: Receive, send: Send): Promise<void> {
    this.options.log.push(`enter ${this.options.tag}`);
    await this.app(scope, receive, async (message: SendMessage) => {
      if (message.type === 'http.response.start') {
        message.headers = [...(message.headers ?? []), ['x-trace', this.options.tag]];
      }
      await send(message);
    });
    this.options.log.push(`leave ${this.options.tag}`);
  }
}

class TeapotError extends Error {}
class SpecialTeapotError extends TeapotError {}

function build(debug = false) {
  const log: string[] = [];
  const app = new Starlette({
    debug,
    routes: [
      new Route('/', () => new PlainTextResponse('home')),
      new Route('/http-error', () => {
        throw new HTTPException(403, 'Nope', { 'x-reason': 'test' });
      }),
      new Route('/no-content', () => {
        throw new HTTPException(304);
      }),
      new Route('/teapot', () => {
        throw new SpecialTeapotError('short and stout');
      }),
      new Route('/crash', () => {
        throw new Error('kaboom <script>');
      }),
      new Route('/state', (r: Request) => new JSONResponse({ db: r.state.db })),
    ],
    middleware: [new Middleware(TraceMiddleware, { tag: 'outer', log }), new Middleware(TraceMiddleware, { tag: 'inner', log })],
    exceptionHandlers: new Map<number | (abstract new (...a: never[]) => unknown), (r: Request, e: Error) => unknown>([
      [TeapotError, (_r: Request, e: Error) => new JSONResponse({ teapot: e.message }, { status: 418 })],
    ]),
  });
  return { app, log };
}

describe('middleware stack', () => {
  test('user middleware wraps the router in declaration order (first is outermost)', async () => {
    const { app, log } = build();
    const r = await new TestClient(app).get('/');
    expect(r.text).toBe('home');
    expect(log).toEqual(['enter outer', 'enter inner', 'leave inner', 'leave outer']);
    expect(r.headers.getlist('x-trace')).toEqual(['inner', 'outer']);
  });

  test('the stack is built once, lazily', async () => {
    const { app } = build();
    expect(app.middlewareStack).toBeNull();
    const client = new TestClient(app);
    await client.get('/');
    const stack = app.middlewareStack;
    await client.get('/');
    expect(app.middlewareStack).toBe(stack);
  });

  test('adding middleware after start-up throws', async () => {
    const { app, log } = build();
    app.addMiddleware(TraceMiddleware, { tag: 'added', log });
    await new TestClient(app).get('/');
    expect(log[0]).toBe('enter added');
    expect(() => app.addMiddleware(TraceMiddleware, { tag: 'late', log })).toThrow(AppStartedError);
    expect(() => app.addMiddleware(TraceMiddleware, { tag: 'late', log })).toThrow('Cannot add middleware after an application has started');
  });

  test('factory functions work as middleware too', async () => {
    const header = (app: ASGIApp, options: { value: string }): ASGIApp => async (scope, receive, send) =>
      app(scope, receive, async (m) => {
        if (m.type === 'http.response.start') m.headers = [...(m.headers ?? []), ['x-factory', options.value]];
        await send(m);
      });
    const app = new Starlette({ routes: [new Route('/', () => new PlainTextResponse('ok'))], middleware: [new Middleware(header, { value: 'yes' })] });
    expect((await new TestClient(app).get('/')).headers.get('x-factory')).toBe('yes');
  });
});

describe('exceptions', () => {
  test('HTTPException becomes a plain-text response with its headers', async () => {
    const r = await new TestClient(build().app).get('/http-error');
    expect(r.status).toBe(403);
    expect(r.text).toBe('Nope');
    expect(r.headers.get('x-reason')).toBe('test');
    expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  });

  test('HTTPException 304 has no body', async () => {
    const r = await new TestClient(build().app).get('/no-content');
    expect([r.status, r.text, r.headers.has('content-length')]).toEqual([304, '', false]);
  });

  test('the 404 of the router goes through the handlers (status handler)', async () => {
    const app = new Starlette({ exceptionHandlers: { 404: () => new JSONResponse({ detail: 'custom 404' }, { status: 404 }) } });
    const r = await new TestClient(app).get('/missing');
    expect([r.status, r.json()]).toEqual([404, { detail: 'custom 404' }]);
  });

  test('handlers are found along the prototype chain (MRO)', async () => {
    const r = await new TestClient(build().app).get('/teapot');
    expect([r.status, r.json()]).toEqual([418, { teapot: 'short and stout' }]);
  });

  test('unhandled errors: 500 plain text, and re-raised into the test by default', async () => {
    const { app } = build();
    await expect(new TestClient(app).get('/crash')).rejects.toThrow('kaboom <script>');
    const r = await new TestClient(app, { raiseServerExceptions: false }).get('/crash');
    expect([r.status, r.text, r.headers.get('content-type')]).toEqual([500, 'Internal Server Error', 'text/plain; charset=utf-8']);
  });

  test('debug mode answers the stack: HTML for browsers, text otherwise', async () => {
    const client = new TestClient(build(true).app, { raiseServerExceptions: false });
    const html = await client.get('/crash', { headers: { accept: 'text/html' } });
    expect(html.status).toBe(500);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.text).toContain('<h2>Error: kaboom &lt;script&gt;</h2>');
    expect(html.text).not.toContain('<script>');
    const text = await client.get('/crash');
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(text.text.startsWith('Error: kaboom <script>\n    at ')).toBe(true);
  });

  test('a 500 or Error handler customises the server error response', async () => {
    for (const key of [500, Error] as const) {
      const app = new Starlette({
        routes: [new Route('/', () => { throw new Error('x'); })],
        exceptionHandlers: new Map([[key, () => new PlainTextResponse('custom error', { status: 500 })]]),
      });
      const r = await new TestClient(app, { raiseServerExceptions: false }).get('/');
      expect([r.status, r.text]).toEqual([500, 'custom error']);
    }
  });

  test('a handled error after the response started is a protocol error', async () => {
    const app = new Starlette({
      routes: [
        new Route('/', (async (_scope: Scope, _receive: Receive, send: Send) => {
          await send({ type: 'http.response.start', status: 200, headers: [] });
          throw new HTTPException(400);
        }) as never),
      ],
    });
    await expect(new TestClient(app).get('/')).rejects.toThrow('Caught handled exception, but response already started.');
  });

  test('WebSocketException closes the socket with its code and reason', async () => {
    const app = new Starlette({
      routes: [new WebSocketRoute('/ws', async () => {
        throw new WebSocketException(1008, 'Policy');
      })],
    });
    await expect(new TestClient(app).websocketConnect('/ws')).rejects.toMatchObject({ code: 1008, reason: 'Policy' });
    await expect(new TestClient(app).websocketConnect('/ws')).rejects.toBeInstanceOf(WebSocketDisconnect);
  });

  test('addExceptionHandler before the first request registers a handler', async () => {
    const app = new Starlette({ routes: [new Route('/', () => { throw new RangeError('out'); })] });
    app.addExceptionHandler(RangeError, (_r: Request, e: Error) => new PlainTextResponse(`range: ${e.message}`, { status: 422 }));
    const r = await new TestClient(app).get('/');
    expect([r.status, r.text]).toEqual([422, 'range: out']);
  });
});

describe('lifespan', () => {
  test('a generator lifespan yields state into request.state and shuts down', async () => {
    const events: string[] = [];
    const app = new Starlette({
      routes: [new Route('/', (r: Request) => new JSONResponse({ db: r.state.db }))],
      lifespan: async function* (application) {
        events.push(`startup ${application instanceof Starlette}`);
        yield { db: 'connected' };
        events.push('shutdown');
      },
    });
    {
      await using client = new TestClient(app);
      await client.start();
      expect((await client.get('/')).json()).toEqual({ db: 'connected' });
      expect(events).toEqual(['startup true']);
    }
    expect(events).toEqual(['startup true', 'shutdown']);
  });

  test('startup hooks object works too', async () => {
    const events: string[] = [];
    const app = new Starlette({
      lifespan: () => ({ startup: () => void events.push('up'), shutdown: () => void events.push('down') }),
    });
    const client = new TestClient(app);
    await client.start();
    await client.close();
    expect(events).toEqual(['up', 'down']);
  });

  test('a startup failure is reported and thrown by start()', async () => {
    const app = new Starlette({
      lifespan: async function* () {
        throw new Error('database unreachable');
        yield;
      },
    });
    const sent: SendMessage[] = [];
    const messages = [{ type: 'lifespan.startup' as const }];
    const run = app({ type: 'lifespan', asgi: { version: '3.0', spec_version: '2.0' }, state: {} }, async () => messages.shift()!, async (m) => void sent.push(m));
    await expect(run).rejects.toThrow('database unreachable');
    expect(sent).toHaveLength(1);
    expect(sent[0].type).toBe('lifespan.startup.failed');
    expect((sent[0] as { message: string }).message).toMatch(/^Error: database unreachable\n/);
    await expect(new TestClient(app).start()).rejects.toThrow('database unreachable');
  });

  test('a generator that never yields is a startup failure with a clear message', async () => {
    const app = new Starlette({ lifespan: async function* () {} });
    await expect(new TestClient(app).start()).rejects.toThrow(LifespanError);
  });

  test('a shutdown failure is thrown by close()', async () => {
    const app = new Starlette({
      lifespan: async function* () {
        yield {};
        throw new Error('flush failed');
      },
    });
    const client = new TestClient(app);
    await client.start();
    await expect(client.close()).rejects.toThrow('flush failed');
  });

  test('state yielded without scope.state support fails startup', async () => {
    const app = new Starlette({ lifespan: async function* () { yield { a: 1 }; } });
    const sent: SendMessage[] = [];
    const messages = [{ type: 'lifespan.startup' as const }];
    await expect(app({ type: 'lifespan', asgi: { version: '3.0', spec_version: '2.0' } }, async () => messages.shift()!, async (m) => void sent.push(m))).rejects.toThrow(
      'The server does not support "state" in the lifespan scope.',
    );
  });
});

describe('app API', () => {
  test('addRoute, mount, urlPathFor and state', async () => {
    const app = new Starlette();
    app.state.version = '1.0';
    app.addRoute('/hello/{name}', (r: Request) => new PlainTextResponse(`hi ${r.pathParams.name} ${(r.app as Starlette).state.version}`), { name: 'hello' });
    app.mount('/static', new PlainTextResponse('static'), 'static');
    const client = new TestClient(app);
    expect((await client.get('/hello/bob')).text).toBe('hi bob 1.0');
    expect((await client.get('/static/x.css')).text).toBe('static');
    expect(app.urlPathFor('hello', { name: 'al' }).toString()).toBe('/hello/al');
    expect(app.routes).toHaveLength(2);
  });
});
