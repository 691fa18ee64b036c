import { Starlette } from '../../src/applications';
import { Middleware } from '../../src/middleware';
import { TrustedHostMiddleware } from '../../src/middleware/trustedhost';
import { PlainTextResponse } from '../../src/responses';
import { Route } from '../../src/routing';
import { TestClient } from '../../src/testclient';
import { drive, fixedApp } from '../support/edges-driver';

const ok = fixedApp(200, [['content-type', 'text/plain; charset=utf-8']], ['OK']);

describe('TrustedHostMiddleware', () => {
  const app = new TrustedHostMiddleware(ok, { allowedHosts: ['testserver', '*.testserver'] });

  test.each(['testserver', 'testserver:8000', 'sub.testserver', 'a.b.testserver', 'TestServer'])('host %j is allowed', async (host) => {
    const res = await drive(app, { headers: { host } });
    expect(res.status).toBe(200);
    expect(res.text()).toBe('OK');
  });

  test.each(['invalidhost', 'testserver.evil.com', 'eviltestserver', 'testserver.', '', 'testserver@evil.com', '[::1]'])(
    'host %j is refused with 400 "Invalid host header"',
    async (host) => {
      const res = await drive(app, { headers: { host } });
      expect(res.status).toBe(400);
      expect(res.text()).toBe('Invalid host header');
      expect(res.headers).toEqual([
        ['content-length', '19'],
        ['content-type', 'text/plain; charset=utf-8'],
      ]);
    },
  );

  test('a missing Host header is refused', async () => {
    const res = await drive(app, { headers: [] });
    expect(res.status).toBe(400);
    expect(res.text()).toBe('Invalid host header');
  });

  test('IPv6 literal hosts are matched with their brackets', async () => {
    const v6 = new TrustedHostMiddleware(ok, { allowedHosts: ['[::1]'] });
    expect((await drive(v6, { headers: { host: '[::1]:8000' } })).status).toBe(200);
    expect((await drive(v6, { headers: { host: '[::2]:8000' } })).status).toBe(400);
  });

  test('* allows any host', async () => {
    const any = new TrustedHostMiddleware(ok);
    expect((await drive(any, { headers: { host: 'whatever.example' } })).status).toBe(200);
  });

  test('wildcards must be of the form *.domain', () => {
    expect(() => new TrustedHostMiddleware(ok, { allowedHosts: ['*.example.*'] })).toThrow(
      "Domain wildcard patterns must be like '*.example.com'. Got '*.example.*'.",
    );
    expect(() => new TrustedHostMiddleware(ok, { allowedHosts: ['*example.com'] })).toThrow("Domain wildcard patterns must be like '*.example.com'.");
    expect(() => new TrustedHostMiddleware(ok, { allowedHosts: ['example.*'] })).toThrow("Domain wildcard patterns must be like '*.example.com'.");
  });

  test('redirects to www. when only the www host is allowed', async () => {
    const www = new TrustedHostMiddleware(ok, { allowedHosts: ['www.example.com'] });
    const res = await drive(www, { headers: { host: 'example.com' }, path: '/a b', query: 'x=1' });
    expect(res.status).toBe(307);
    expect(res.header('location')).toBe('http://www.example.com/a%20b?x=1');
    expect(res.body.length).toBe(0);
    const https = await drive(www, { headers: { host: 'example.com:8443' }, scheme: 'https' });
    expect(https.header('location')).toBe('https://www.example.com:8443/');
  });

  test('wwwRedirect false refuses instead', async () => {
    const www = new TrustedHostMiddleware(ok, { allowedHosts: ['www.example.com'], wwwRedirect: false });
    const res = await drive(www, { headers: { host: 'example.com' } });
    expect(res.status).toBe(400);
    expect(res.text()).toBe('Invalid host header');
  });

  test('a websocket with a bad host gets the denial response', async () => {
    const sent: { type: string; status?: number }[] = [];
    await app(
      { type: 'websocket', asgi: { version: '3.0', spec_version: '2.4' }, http_version: '1.1', scheme: 'ws', path: '/', raw_path: '/', query_string: '', root_path: '', headers: [['host', 'evil.com']], client: null, server: null, subprotocols: [] },
      async () => ({ type: 'websocket.connect' }),
      async (message) => {
        sent.push(message as { type: string; status?: number });
      },
    );
    expect(sent.map((m) => m.type)).toEqual(['websocket.http.response.start', 'websocket.http.response.body']);
    expect(sent[0]!.status).toBe(400);
  });
});

describe('in a Starlette app, through the TestClient', () => {
  const app = new Starlette({
    routes: [new Route('/', () => new PlainTextResponse('OK'))],
    middleware: [new Middleware(TrustedHostMiddleware, { allowedHosts: ['testserver', '*.testserver'] })],
  });

  test('the default test host passes, another host is refused', async () => {
    expect((await new TestClient(app).get('/')).text).toBe('OK');
    const res = await new TestClient(app, { baseUrl: 'http://invalidhost' }).get('/');
    expect([res.status, res.text]).toEqual([400, 'Invalid host header']);
    expect((await new TestClient(app, { baseUrl: 'http://sub.testserver' }).get('/')).status).toBe(200);
  });

  test('www redirect is followed by the client', async () => {
    const www = new Starlette({
      routes: [new Route('/', () => new PlainTextResponse('OK'))],
      middleware: [new Middleware(TrustedHostMiddleware, { allowedHosts: ['www.example.com'] })],
    });
    const res = await new TestClient(www, { baseUrl: 'https://example.com' }).get('/');
    expect(res.status).toBe(200);
    expect(res.url.toString()).toBe('https://www.example.com/');
  });
});
