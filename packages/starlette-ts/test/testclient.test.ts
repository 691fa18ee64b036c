import { gzipSync } from 'node:zlib';
import {
  JSONResponse,
  PlainTextResponse,
  RedirectResponse,
  Request,
  Response,
  Route,
  Router,
  Starlette,
  TestClient,
} from '../src';
import type { Receive, Scope, Send } from 'asgi-core';

const echo = async (r: Request) =>
  new JSONResponse({
    method: r.method,
    path: r.url.path,
    query: r.url.query,
    headers: Object.fromEntries(r.headers.items()),
    body: Buffer.from(await r.body()).toString('latin1'),
  });

const app = new Router({
  routes: [
    new Route('/echo', echo, { methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] }),
    new Route('/set', () => {
      const r = new PlainTextResponse('set');
      r.setCookie('session', 'abc');
      r.setCookie('scoped', 'only-admin', { path: '/admin' });
      r.setCookie('secure', 's', { secure: true });
      return r;
    }),
    new Route('/clear', () => {
      const r = new PlainTextResponse('cleared');
      r.deleteCookie('session');
      return r;
    }),
    new Route('/cookies', (r) => new JSONResponse(r.cookies)),
    new Route('/admin/cookies', (r) => new JSONResponse(r.cookies)),
    new Route('/redirect/{code:int}', (r) => new RedirectResponse('/echo?from=redirect', { status: r.pathParams.code as number }), {
      methods: ['GET', 'POST'],
    }),
    new Route('/loop', () => new RedirectResponse('/loop')),
    new Route('/gzip', () => new Response(gzipSync(Buffer.from('compressed text')), { headers: { 'content-encoding': 'gzip' }, mediaType: 'text/plain' })),
  ],
});

describe('TestClient requests', () => {
  const client = new TestClient(app);

  test('sends httpx-like default headers', async () => {
    const r = await client.get('/echo');
    expect(r.json()).toEqual({
      method: 'GET', path: '/echo', query: '', body: '',
      headers: { host: 'testserver', accept: '*/*', 'accept-encoding': 'gzip, deflate, br', connection: 'keep-alive', 'user-agent': 'testclient' },
    });
  });

  test('params, headers and a JSON body', async () => {
    const r = await client.post('/echo', { params: { q: 'a b', n: [1, 2] }, headers: { 'X-Token': 't' }, json: { k: 'ü' } });
    const body = r.json() as { query: string; headers: Record<string, string>; body: string };
    expect(body.query).toBe('q=a+b&n=1&n=2');
    expect(body.headers['x-token']).toBe('t');
    expect(body.headers['content-type']).toBe('application/json');
    expect(body.headers['content-length']).toBe('10');
    expect(Buffer.from(body.body, 'latin1').toString()).toBe('{"k":"ü"}');
  });

  test('raw content and an empty POST carry content-length', async () => {
    expect(((await client.put('/echo', { content: 'raw' })).json() as { body: string }).body).toBe('raw');
    expect(((await client.post('/echo')).json() as { headers: Record<string, string> }).headers['content-length']).toBe('0');
  });

  test('multipart uploads are encoded by undici', async () => {
    const r = await client.post('/echo', { data: { field: 'v' }, files: { upload: ['a.txt', 'file body', 'text/plain'] } });
    const body = r.json() as { headers: Record<string, string>; body: string };
    expect(body.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(body.body).toContain('Content-Disposition: form-data; name="upload"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nfile body');
    expect(body.body).toContain('Content-Disposition: form-data; name="field"\r\n\r\nv');
  });

  test('every method helper sends its method', async () => {
    for (const method of ['get', 'post', 'put', 'patch', 'delete', 'options'] as const) {
      expect(((await client[method]('/echo')).json() as { method: string }).method).toBe(method.toUpperCase());
    }
    const head = await client.head('/echo');
    expect([head.status, head.text]).toEqual([200, '']);
  });

  test('gzip bodies are decoded, as httpx does', async () => {
    const r = await client.get('/gzip');
    expect(r.text).toBe('compressed text');
    expect(r.headers.get('content-encoding')).toBe('gzip');
  });
});

describe('TestClient cookies', () => {
  test('a jar persists cookies across calls, honouring Path, Secure and deletion', async () => {
    const client = new TestClient(app);
    await client.get('/set');
    expect((await client.get('/cookies')).json()).toEqual({ session: 'abc' });
    expect((await client.get('/admin/cookies')).json()).toEqual({ session: 'abc', scoped: 'only-admin' });
    await client.get('/clear');
    expect((await client.get('/cookies')).json()).toEqual({});
  });

  test('secure cookies are sent over https', async () => {
    const client = new TestClient(app, { baseUrl: 'https://testserver' });
    await client.get('/set');
    expect((await client.get('/cookies')).json()).toEqual({ session: 'abc', secure: 's' });
  });

  test('initial and per-request cookies are sent', async () => {
    const client = new TestClient(app, { cookies: { a: '1' } });
    expect((await client.get('/cookies', { cookies: { b: '2' } })).json()).toEqual({ a: '1', b: '2' });
    expect((await client.get('/cookies')).json()).toEqual({ a: '1' });
  });
});

describe('TestClient response headers and cookies named like Object.prototype members', () => {
  const raw = async (_scope: Scope, _receive: Receive, send: Send) => {
    await send({
      type: 'http.response.start',
      status: 200,
      headers: [
        ['__proto__', 'p'],
        ['constructor', 'c1'],
        ['constructor', 'c2'],
        ['set-cookie', '__proto__=jar; Path=/'],
        ['set-cookie', 'toString=t; Path=/'],
      ],
    });
    await send({ type: 'http.response.body', body: Buffer.from('ok') });
  };

  test('are kept as they were sent', async () => {
    const r = await new TestClient(raw).get('/');
    expect(r.headers.get('__proto__')).toBe('p');
    expect(r.headers.getlist('constructor')).toEqual(['c1', 'c2']);
    expect(Object.entries(r.cookies)).toEqual([
      ['__proto__', 'jar'],
      ['toString', 't'],
    ]);
    expect(Object.getPrototypeOf(r.cookies)).toBe(Object.prototype);
  });

  test('reach a handler of the onResponseStart API of undici as own keys', async () => {
    const headers = await new Promise<Record<string, string | string[]>>((resolve, reject) => {
      new TestClient(raw).dispatcher.dispatch(
        { origin: 'http://testserver', path: '/', method: 'GET' },
        {
          onResponseStart: (_controller, _status, received) => resolve(received as Record<string, string | string[]>),
          onResponseError: (_controller, error) => reject(error),
        },
      );
    });
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
    expect(Object.entries(headers)).toEqual([
      ['__proto__', 'p'],
      ['constructor', ['c1', 'c2']],
      ['set-cookie', ['__proto__=jar; Path=/', 'toString=t; Path=/']],
    ]);
  });
});

describe('TestClient redirects', () => {
  const client = new TestClient(app);

  test('307 keeps the method and body; 303 and 302-after-POST become GET', async () => {
    let r = await client.post('/redirect/307', { content: 'payload' });
    expect(r.json()).toMatchObject({ method: 'POST', body: 'payload', query: 'from=redirect' });
    expect(r.history.map((h) => h.status)).toEqual([307]);
    r = await client.post('/redirect/303', { content: 'payload' });
    expect(r.json()).toMatchObject({ method: 'GET', body: '' });
    r = await client.post('/redirect/302', { content: 'payload' });
    expect(r.json()).toMatchObject({ method: 'GET' });
  });

  test('followRedirects: false returns the redirect itself', async () => {
    const r = await client.get('/redirect/308', { followRedirects: false });
    expect([r.status, r.headers.get('location'), r.isRedirect]).toEqual([308, '/echo?from=redirect', true]);
  });

  test('redirect loops stop after 20 hops', async () => {
    await expect(client.get('/loop')).rejects.toThrow('Exceeded maximum allowed redirects (20)');
  });
});

describe('TestClient and the app', () => {
  test('an app that never answers is an error (raise) or a 500', async () => {
    const silent = async () => {};
    await expect(new TestClient(silent).get('/')).rejects.toThrow('TestClient did not receive any response.');
    const r = await new TestClient(silent, { raiseServerExceptions: false }).get('/');
    expect([r.status, r.text]).toEqual([500, '']);
  });

  test('protocol violations are named', async () => {
    const twice = async (_s: Scope, _r: Receive, send: Send) => {
      await send({ type: 'http.response.start', status: 200 });
      await send({ type: 'http.response.start', status: 200 });
    };
    await expect(new TestClient(twice).get('/')).rejects.toThrow('Response already started: cannot send http.response.start twice');
    const early = async (_s: Scope, _r: Receive, send: Send) => send({ type: 'http.response.body', body: Buffer.from('x') });
    await expect(new TestClient(early).get('/')).rejects.toThrow('Response body sent before http.response.start');
  });

  test('scope carries root_path, server, client and a copy of the lifespan state', async () => {
    let seen: Scope | undefined;
    const spy = async (scope: Scope, receive: Receive, send: Send) => {
      seen = scope;
      await new PlainTextResponse('ok')(scope, receive, send);
    };
    const client = new TestClient(spy, { rootPath: '/root', baseUrl: 'http://example.com:8000' });
    client.appState.shared = 1;
    await client.get('/root/x%20y?z=%41');
    expect(seen).toMatchObject({
      type: 'http', method: 'GET', path: '/root/x y', raw_path: '/root/x%20y', query_string: 'z=%41', root_path: '/root',
      server: ['example.com', 8000], client: ['testclient', 50000], scheme: 'http', state: { shared: 1 },
    });
    expect(seen!.state).not.toBe(client.appState);
  });

  test('the client is disposable with await using', async () => {
    const events: string[] = [];
    const starlette = new Starlette({ lifespan: async function* () { events.push('start'); yield; events.push('stop'); } });
    {
      await using client = await new TestClient(starlette).start();
      expect(events).toEqual(['start']);
      void client;
    }
    expect(events).toEqual(['start', 'stop']);
  });
});
