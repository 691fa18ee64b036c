import { Client, request } from 'undici';
import type { HTTPScope, Scope } from 'asgi-core';
import { rawExchange, sendText, startServer, type TestServer } from './helpers';

describe('HTTP scope and connection handling', () => {
  let server: TestServer;
  const scopes: HTTPScope[] = [];

  beforeAll(async () => {
    server = await startServer(
      async (scope: Scope, _receive, send) => {
        if (scope.type !== 'http') return;
        scopes.push(scope);
        await sendText(send, 200, `${scope.method} ${scope.path}`);
      },
      { rootPath: '/api' },
    );
  });
  afterAll(() => server.close());
  beforeEach(() => (scopes.length = 0));

  test('the scope carries every field of the spec: path percent-decoded and prefixed with root_path, raw_path/query_string undecoded', async () => {
    const res = await request(`${server.url}/caf%C3%A9/a%2Fb%20c?q=%20x&y=1`, { headers: { 'X-Custom': 'Value', 'x-dup': ['1', '2'] } });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('GET /api/café/a/b c');
    const scope = scopes[0];
    expect(scope).toMatchObject({
      type: 'http',
      asgi: { version: '3.0', spec_version: '2.4' },
      http_version: '1.1',
      method: 'GET',
      scheme: 'http',
      path: '/api/café/a/b c',
      raw_path: '/api/caf%C3%A9/a%2Fb%20c',
      query_string: 'q=%20x&y=1',
      root_path: '/api',
      server: ['127.0.0.1', server.port],
      state: {},
      extensions: { 'http.response.trailers': {}, 'http.response.pathsend': {} },
    });
    expect(scope.client?.[0]).toBe('127.0.0.1');
    expect(typeof scope.client?.[1]).toBe('number');
    expect(scope.headers).toEqual(
      expect.arrayContaining([
        ['host', `127.0.0.1:${server.port}`],
        ['x-custom', 'Value'],
        ['x-dup', '1'],
        ['x-dup', '2'],
      ]),
    );
  });

  test('header values and raw paths keep non-ASCII bytes as latin-1, and invalid escapes survive decoding', async () => {
    const { text } = await rawExchange(
      server.port,
      Buffer.concat([Buffer.from('GET /bad%zz%C3 HTTP/1.1\r\nHost: x\r\nX-Latin: '), Buffer.from([0xe9]), Buffer.from('\r\nConnection: close\r\n\r\n')]),
    );
    expect(text.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    expect(scopes[0].raw_path).toBe('/api/bad%zz%C3');
    expect(scopes[0].path).toBe('/api/bad%zz\uFFFD');
    expect(scopes[0].headers).toContainEqual(['x-latin', '\u00e9']);
  });

  test('an absolute-form request target yields its path and query', async () => {
    await rawExchange(server.port, 'GET http://example.com/abs/p?x=1 HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n');
    expect(scopes[0]).toMatchObject({ path: '/api/abs/p', raw_path: '/api/abs/p', query_string: 'x=1' });
  });

  test('HTTP/1.0 requests get http_version 1.0 and a closed connection', async () => {
    const { text, closed } = await rawExchange(server.port, 'GET /old HTTP/1.0\r\n\r\n');
    expect(scopes[0].http_version).toBe('1.0');
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text.endsWith('\r\n\r\nGET /api/old')).toBe(true);
    expect(closed).toBe(true);
  });

  test('keep-alive: sequential requests from one client reuse one connection', async () => {
    const client = new Client(server.url);
    try {
      for (const path of ['/one', '/two', '/three']) {
        const res = await client.request({ path, method: 'GET' });
        expect(res.headers.connection).toBe('keep-alive');
        expect(res.headers['keep-alive']).toBeUndefined(); // as uvicorn: the timeout is not advertised
        await res.body.text();
      }
    } finally {
      await client.close();
    }
    const ports = new Set(scopes.map((scope) => scope.client?.[1]));
    expect(scopes).toHaveLength(3);
    expect(ports.size).toBe(1);
  });

  test('pipelining: two requests in one write are answered in order on the same connection', async () => {
    const { text } = await rawExchange(
      server.port,
      'GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    const first = text.indexOf('GET /api/first');
    const second = text.indexOf('GET /api/second');
    expect(text.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
    expect(scopes.map((scope) => scope.path)).toEqual(['/api/first', '/api/second']);
  });

  test('garbage bytes are answered 400 without reaching the app', async () => {
    const { text, closed } = await rawExchange(server.port, 'GARBAGE\r\n\r\n');
    expect(text).toBe(
      'HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 30\r\nconnection: close\r\n\r\nInvalid HTTP request received.',
    );
    expect(closed).toBe(true);
    expect(scopes).toHaveLength(0);
    expect(server.logs).toContain('WARNING:  Invalid HTTP request received.');
  });

  test('an invalid header line and a bad content-length are answered 400', async () => {
    for (const bad of ['GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n']) {
      const { text, closed } = await rawExchange(server.port, bad);
      expect(text.startsWith('HTTP/1.1 400 Bad Request\r\n')).toBe(true);
      expect(closed).toBe(true);
    }
    expect(scopes).toHaveLength(0);
  });

  test('a request with both Content-Length and Transfer-Encoding (smuggling) is answered 400', async () => {
    const { text, closed } = await rawExchange(
      server.port,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    expect(text.startsWith('HTTP/1.1 400 Bad Request\r\n')).toBe(true);
    expect(closed).toBe(true);
    expect(scopes).toHaveLength(0);
  });

  test('oversized request headers are answered 431 without reaching the app', async () => {
    const { text, closed } = await rawExchange(server.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`);
    expect(text).toBe(
      'HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 32\r\nconnection: close\r\n\r\nRequest header fields too large.',
    );
    expect(closed).toBe(true);
    expect(scopes).toHaveLength(0);
  });

  test('a non-websocket upgrade request is refused with 400', async () => {
    const { text } = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n');
    expect(text.startsWith('HTTP/1.1 400 Bad Request\r\n')).toBe(true);
    expect(text.endsWith('Unsupported upgrade request.')).toBe(true);
  });
});

describe('server options', () => {
  test('limitConcurrency answers 503 beyond the limit without calling the app', async () => {
    let release: () => void = () => {};
    const blocked = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const server = await startServer(
      async (scope, _receive, send) => {
        if (scope.type !== 'http') return;
        calls++;
        await blocked;
        await sendText(send, 200, 'ok');
      },
      { limitConcurrency: 1 },
    );
    try {
      const first = request(server.url);
      while (calls === 0) await new Promise((r) => setTimeout(r, 5));
      const second = await request(server.url);
      expect(second.statusCode).toBe(503);
      expect(second.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(second.headers.connection).toBe('close');
      expect(await second.body.text()).toBe('Service Unavailable');
      expect(server.logs).toContain('WARNING:  Exceeded concurrency limit.');
      release();
      const res = await first;
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe('ok');
      expect(calls).toBe(1);
    } finally {
      release();
      await server.close();
    }
  });

  test('the keep-alive timeout closes an idle connection', async () => {
    const server = await startServer(async (scope, _receive, send) => {
      if (scope.type === 'http') await sendText(send, 200, 'ok');
    }, { timeoutKeepAlive: 0.3 });
    try {
      const started = Date.now();
      const { text, closed } = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', 3000);
      expect(closed).toBe(true);
      expect(text).not.toMatch(/keep-alive: timeout/i);
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      await server.close();
    }
  });

  test('the headers timeout answers 408 to a client that never finishes its headers', async () => {
    const server = await startServer(async () => {}, { timeoutHeaders: 0.5 });
    try {
      const { text, closed } = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\n', 4000);
      expect(closed).toBe(true);
      expect(text).toBe(
        'HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 16\r\nconnection: close\r\n\r\nRequest timeout.',
      );
    } finally {
      await server.close();
    }
  });

  test('limitMaxRequests shuts the server down after that many requests', async () => {
    const server = await startServer(async (scope, _receive, send) => {
      if (scope.type === 'http') await sendText(send, 200, 'ok');
    }, { limitMaxRequests: 2 });
    const first = await request(server.url);
    await first.body.text();
    const second = await request(server.url);
    expect(await second.body.text()).toBe('ok');
    await server.closed;
    expect(server.logs).toContain('INFO:     Maximum request limit of 2 exceeded. Terminating process.');
    await expect(request(server.url)).rejects.toThrow();
  });

  test('a unix domain socket can be served, with server set to the path and client null', async () => {
    const path = `/tmp/asgi-core-test-${process.pid}.sock`;
    let seen: HTTPScope | null = null;
    const server = await startServer(async (scope, _receive, send) => {
      if (scope.type !== 'http') return;
      seen = scope;
      await sendText(send, 200, 'over uds');
    }, { uds: path });
    try {
      expect(server.address).toBe(path);
      const client = new Client('http://localhost', { socketPath: path });
      const res = await client.request({ path: '/', method: 'GET' });
      expect(await res.body.text()).toBe('over uds');
      await client.close();
      expect(seen!.server).toEqual([path, null]);
      expect(seen!.client).toBeNull();
    } finally {
      await server.close();
    }
  });

  test('a port already in use rejects with a BindError and runs lifespan shutdown', async () => {
    const first = await startServer(async () => {});
    try {
      const events: string[] = [];
      const app = async (scope: Scope, receive: () => Promise<{ type: string }>, send: (m: { type: string }) => Promise<void>) => {
        if (scope.type !== 'lifespan') return;
        for (;;) {
          const message = await receive();
          events.push(message.type);
          if (message.type === 'lifespan.startup') await send({ type: 'lifespan.startup.complete' });
          else return send({ type: 'lifespan.shutdown.complete' });
        }
      };
      const error = await startServer(app as never, { port: first.port, lifespan: 'on' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'BindError', code: 'BIND_FAILED' });
      expect((error as Error).message).toBe(`Could not bind to 127.0.0.1:${first.port}: address already in use (EADDRINUSE)`);
      expect(events).toEqual(['lifespan.startup', 'lifespan.shutdown']);
    } finally {
      await first.close();
    }
  });

  test('invalid options are rejected with a ConfigError', () => {
    const { Server } = jest.requireActual('asgi-core');
    expect(() => new Server(async () => {}, { port: 70000 })).toThrow('Option port must be an integer between 0 and 65535, got 70000.');
    expect(() => new Server(async () => {}, { lifespan: 'maybe' })).toThrow("Option lifespan must be 'auto', 'on' or 'off', got 'maybe'.");
    expect(() => new Server(async () => {}, { rootPath: 'api/' })).toThrow("Option rootPath must start with '/' and not end with '/', got 'api/'.");
  });
});
