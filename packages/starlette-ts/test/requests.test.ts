import {
  ClientDisconnect,
  HTTPConnection,
  JSONDecodeError,
  JSONResponse,
  MiddlewareNotInstalled,
  PlainTextResponse,
  Request,
  Route,
  Router,
  Starlette,
  StreamConsumedError,
  TestClient,
  readBody,
  withBody,
} from '../src';
import type { HTTPScope, ReceiveMessage } from 'asgi-core';

type Handler = (request: Request) => Promise<unknown> | unknown;

/** A TestClient over one catch-all route whose handler sees the Request. */
function clientFor(handler: Handler, options: ConstructorParameters<typeof TestClient>[1] = {}) {
  const app = new Router({
    routes: [new Route('/{path:path}', async (r) => handler(r) as never, { methods: ['GET', 'POST', 'PUT', 'DELETE'] })],
  });
  return new TestClient(app, options);
}

function scope(overrides: Partial<HTTPScope> = {}): HTTPScope {
  return {
    type: 'http', asgi: { version: '3.0', spec_version: '2.4' }, http_version: '1.1', method: 'GET', scheme: 'http',
    path: '/', raw_path: '/', query_string: '', root_path: '', headers: [], client: null, server: null, ...overrides,
  };
}

describe('connection data', () => {
  test('url, method, headers, query params and client come from the scope', async () => {
    const client = clientFor((r) =>
      new JSONResponse({
        method: r.method,
        url: String(r.url),
        path: r.url.path,
        query: r.url.query,
        a: r.queryParams.get('a'),
        all: r.queryParams.getlist('a'),
        agent: r.headers.get('User-Agent'),
        client: r.client,
      }),
    );
    const r = await client.get('/some/path?a=1&a=2&b', { headers: { 'x-thing': 'y' } });
    expect(r.json()).toEqual({
      method: 'GET', url: 'http://testserver/some/path?a=1&a=2&b', path: '/some/path', query: 'a=1&a=2&b',
      a: '2', all: ['1', '2'], agent: 'testclient', client: { host: 'testclient', port: 50000 },
    });
  });

  test('url is built from the server address without a Host header', () => {
    const r = new Request(scope({ server: ['example.org', 8080], path: '/x', query_string: 'q=1' }));
    expect(String(r.url)).toBe('http://example.org:8080/x?q=1');
    expect(String(new Request(scope({ server: ['example.org', 80] })).url)).toBe('http://example.org/');
    expect(String(new Request(scope({ scheme: 'https', server: ['example.org', 443] })).url)).toBe('https://example.org/');
  });

  test('baseUrl includes root_path with a trailing slash', () => {
    const r = new Request(scope({ headers: [['host', 'h']], root_path: '/api', path: '/api/items', query_string: 'x=1' }));
    expect(String(r.baseUrl)).toBe('http://h/api/');
  });

  test('huge query strings and invalid escapes parse without error', async () => {
    const long = Array.from({ length: 5000 }, (_, i) => `k${i}=${i}`).join('&');
    const client = clientFor((r) => new JSONResponse({ n: r.queryParams.length, last: r.queryParams.get('k4999'), bad: r.queryParams.get('bad') }));
    const r = await client.get(`/?${long}&bad=%zz%C3%28%`);
    expect(r.json()).toEqual({ n: 5001, last: '4999', bad: '%zz\ufffd(%' });
  });

  test('cookies are parsed leniently, as Starlette cookie_parser', async () => {
    const client = clientFor((r) => new JSONResponse(r.cookies));
    const r = await client.get('/', {
      headers: { cookie: 'a=1; b = two ;novalue; =onlyvalue; q="quoted\\"\\073"; dup=1; dup=2; ;; empty=' },
    });
    expect(r.json()).toEqual({ a: '1', b: 'two', '': 'onlyvalue', q: 'quoted";', dup: '2', empty: '' });
  });

  test('a cookie named like an Object.prototype member is kept as a cookie of its own', async () => {
    const client = clientFor((r) => new JSONResponse({ cookies: r.cookies, prototypeKept: Object.getPrototypeOf(r.cookies) === Object.prototype }));
    const r = await client.get('/', { headers: { cookie: '__proto__=p; constructor=c; a=1' } });
    expect(r.text).toBe('{"cookies":{"__proto__":"p","constructor":"c","a":"1"},"prototypeKept":true}');
  });

  test('cookies without a header are empty', () => {
    expect(new Request(scope()).cookies).toEqual({});
  });

  test('state is per request over scope.state, seeded from lifespan', async () => {
    const client = clientFor((r) => {
      r.state.visits = ((r.state.visits as number | undefined) ?? 0) + 1;
      return new JSONResponse({ visits: r.state.visits, fromScope: (r.scope.state as Record<string, unknown>).visits });
    });
    client.appState.visits = 10;
    expect((await client.get('/')).json()).toEqual({ visits: 11, fromScope: 11 });
    expect((await client.get('/')).json()).toEqual({ visits: 11, fromScope: 11 });
  });

  test('session needs SessionMiddleware', () => {
    const r = new Request(scope());
    expect(() => r.session).toThrow(MiddlewareNotInstalled);
    expect(() => r.session).toThrow('SessionMiddleware must be installed to access request.session');
    expect(new Request(scope({ session: { user: 'x' } })).session).toEqual({ user: 'x' });
  });

  test('only http and websocket scopes make connections', () => {
    expect(() => new HTTPConnection({ type: 'lifespan', asgi: { version: '3.0', spec_version: '2.0' } })).toThrow(
      'HTTPConnection needs an http or websocket scope, got "lifespan"',
    );
  });

  test('urlFor builds absolute URLs from route names', async () => {
    const app = new Starlette({
      routes: [
        new Route('/users/{id:int}', () => new PlainTextResponse(''), { name: 'user' }),
        new Route('/', (r) => new PlainTextResponse(String(r.urlFor('user', { id: 5 })))),
      ],
    });
    expect((await new TestClient(app, { baseUrl: 'https://example.org' }).get('/')).text).toBe('https://example.org/users/5');
  });
});

describe('body', () => {
  test('body(), json() and text of a JSON post', async () => {
    const client = clientFor(async (r) => {
      const body = Buffer.from(await r.body()).toString();
      const json = await r.json();
      return new JSONResponse({ body, json, again: await r.json() });
    });
    expect((await client.post('/', { json: { a: [1, 'ü'] } })).json()).toEqual({ body: '{"a":[1,"ü"]}', json: { a: [1, 'ü'] }, again: { a: [1, 'ü'] } });
  });

  test('json() on a malformed body throws a clear JSONDecodeError', async () => {
    const client = clientFor(async (r) => {
      try {
        await r.json();
        return new PlainTextResponse('parsed');
      } catch (error) {
        return new JSONResponse({ name: (error as Error).name, code: (error as JSONDecodeError).code, message: (error as Error).message });
      }
    });
    const r = await client.post('/', { content: '{"a": ' });
    expect(r.json()).toMatchObject({ name: 'JSONDecodeError', code: 'INVALID_JSON' });
    expect((r.json() as { message: string }).message).toMatch(/^Request body is not valid JSON: /);
    expect((await client.post('/', { content: '' })).json()).toMatchObject({ code: 'INVALID_JSON' });
  });

  test('stream() yields the chunks, then cannot be consumed again', async () => {
    const chunks: ReceiveMessage[] = [
      { type: 'http.request', body: Buffer.from('ab'), more_body: true },
      { type: 'http.request', body: Buffer.from(''), more_body: true },
      { type: 'http.request', body: Buffer.from('c'), more_body: false },
    ];
    const request = new Request(scope({ method: 'POST' }), async () => chunks.shift() as ReceiveMessage);
    const seen: string[] = [];
    for await (const chunk of request.stream()) seen.push(Buffer.from(chunk).toString());
    expect(seen).toEqual(['ab', 'c', '']);
    const again = async () => {
      for await (const _ of request.stream()) void _;
    };
    await expect(again()).rejects.toThrow(StreamConsumedError);
    await expect(request.body()).rejects.toThrow('Stream consumed');
  });

  test('after body() the stream replays the cached body', async () => {
    const request = new Request(scope({ method: 'POST' }), async () => ({ type: 'http.request', body: Buffer.from('xyz'), more_body: false }));
    expect(Buffer.from(await request.body()).toString()).toBe('xyz');
    const seen: string[] = [];
    for await (const chunk of request.stream()) seen.push(Buffer.from(chunk).toString());
    expect(seen).toEqual(['xyz', '']);
  });

  test('a disconnect while reading the body raises ClientDisconnect', async () => {
    const messages: ReceiveMessage[] = [{ type: 'http.request', body: Buffer.from('a'), more_body: true }, { type: 'http.disconnect' }];
    const request = new Request(scope({ method: 'POST' }), async () => messages.shift() as ReceiveMessage);
    await expect(request.body()).rejects.toThrow(ClientDisconnect);
    expect(await request.isDisconnected()).toBe(true);
  });

  test('isDisconnected() does not wait and does not lose body chunks', async () => {
    let deliver!: (m: ReceiveMessage) => void;
    const pending = new Promise<ReceiveMessage>((r) => (deliver = r));
    let calls = 0;
    const request = new Request(scope({ method: 'POST' }), () => {
      calls++;
      return pending;
    });
    expect(await request.isDisconnected()).toBe(false);
    expect(await request.isDisconnected()).toBe(false);
    deliver({ type: 'http.request', body: Buffer.from('late'), more_body: false });
    expect(Buffer.from(await request.body()).toString()).toBe('late');
    expect(calls).toBe(1);
  });

  test('form() parses urlencoded bodies', async () => {
    const client = clientFor(async (r) => {
      const form = await r.form();
      return new JSONResponse({ name: form.get('name'), tags: form.getlist('tag') });
    });
    const r = await client.post('/', { data: { name: 'Jürgen O', tag: ['a', 'b'] } });
    expect(r.json()).toEqual({ name: 'Jürgen O', tags: ['a', 'b'] });
  });

  test('a malformed multipart form is a 400 inside an app', async () => {
    const app = new Starlette({ routes: [new Route('/', async (r) => new JSONResponse((await r.form()).multiItems()), { methods: ['POST'] })] });
    const r = await new TestClient(app).post('/', {
      content: 'garbage without boundary',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
    });
    expect(r.status).toBe(400);
  });
});

describe('errors from receive()', () => {
  test('reach the body reader unchanged (a size limit is not mistaken for a disconnect)', async () => {
    class TooLarge extends Error {}
    let calls = 0;
    const receive = async (): Promise<ReceiveMessage> => {
      calls++;
      if (calls === 1) return { type: 'http.request', body: Buffer.from('abc'), more_body: true };
      throw new TooLarge('body over the limit');
    };
    const request = new Request(scope({ method: 'POST' }), receive);
    await expect(request.body()).rejects.toBeInstanceOf(TooLarge);
    // The connection's channel keeps the failure: a second reader sees the same error.
    await expect(new Request(scope({ method: 'POST' }), receive).body()).rejects.toThrow('body over the limit');
  });
});

describe('withBody (readBody with its continuation)', () => {
  /** A receive() that answers these messages in turn, or throws what is given instead of one. */
  function receiving(...messages: Array<ReceiveMessage | Error>) {
    let i = 0;
    return async (): Promise<ReceiveMessage> => {
      const next = messages[i++];
      if (next instanceof Error) throw next;
      return next;
    };
  }
  const text = (body: Uint8Array) => Buffer.from(body).toString();
  const noFailure = (error: unknown): never => {
    throw new Error(`failed() was called with ${String(error)}`);
  };

  test('a body in one message goes to use(); what use() returns (a value or a promise) is the result', async () => {
    await expect(withBody(receiving({ type: 'http.request', body: Buffer.from('one'), more_body: false }), text, noFailure)).resolves.toBe('one');
    const later = withBody(receiving({ type: 'http.request', body: Buffer.from('two'), more_body: false }), async (b) => `${text(b)}!`, noFailure);
    await expect(later).resolves.toBe('two!');
  });

  test('a body in several messages (empty ones too) is joined before use() sees it', async () => {
    const receive = receiving(
      { type: 'http.request', body: Buffer.from('ab'), more_body: true },
      { type: 'http.request', body: Buffer.alloc(0), more_body: true },
      { type: 'http.request', body: Buffer.from('cd'), more_body: false },
    );
    await expect(withBody(receive, text, noFailure)).resolves.toBe('abcd');
  });

  test('a disconnect, first or after part of the body, goes to failed() as ClientDisconnect; use() never runs', async () => {
    for (const receive of [
      receiving({ type: 'http.disconnect' }),
      receiving({ type: 'http.request', body: Buffer.from('ab'), more_body: true }, { type: 'http.disconnect' }),
    ]) {
      const seen: unknown[] = [];
      const use = jest.fn(text);
      const result = withBody(receive, use, (error): never => {
        seen.push(error);
        throw new Error('replaced');
      });
      await expect(result).rejects.toThrow('replaced');
      expect(seen).toHaveLength(1);
      expect(seen[0]).toBeInstanceOf(ClientDisconnect);
      expect(use).not.toHaveBeenCalled();
    }
  });

  test('a receive() that throws, first or later, goes to failed() with its error', async () => {
    const transport = new Error('transport failed');
    for (const receive of [receiving(transport), receiving({ type: 'http.request', body: Buffer.from('ab'), more_body: true }, transport)]) {
      const seen: unknown[] = [];
      const result = withBody(receive, text, (error): never => {
        seen.push(error);
        throw new Error('replaced');
      });
      await expect(result).rejects.toThrow('replaced');
      expect(seen).toEqual([transport]);
    }
  });

  test('what use() throws is its own: failed() does not see it, for a body in one message or several', async () => {
    const own = new Error('invalid body');
    const use = (): never => {
      throw own;
    };
    const one = receiving({ type: 'http.request', body: Buffer.from('x'), more_body: false });
    const several = receiving({ type: 'http.request', body: Buffer.from('x'), more_body: true }, { type: 'http.request', body: Buffer.from('y'), more_body: false });
    await expect(withBody(one, use, noFailure)).rejects.toBe(own);
    await expect(withBody(several, use, noFailure)).rejects.toBe(own);
  });

  test('without failed(), a failure to read rejects as it is; readBody is withBody with the bytes as they are', async () => {
    await expect(withBody(receiving({ type: 'http.disconnect' }), text)).rejects.toBeInstanceOf(ClientDisconnect);
    const body = Buffer.from('kept');
    await expect(readBody(receiving({ type: 'http.request', body, more_body: false }))).resolves.toBe(body);
  });
});
