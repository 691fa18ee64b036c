import { Starlette } from '../../src/applications';
import { Middleware } from '../../src/middleware';
import { HTTPSRedirectMiddleware } from '../../src/middleware/httpsredirect';
import { PlainTextResponse } from '../../src/responses';
import { Route } from '../../src/routing';
import { TestClient } from '../../src/testclient';
import { drive, fixedApp } from '../support/edges-driver';

const app = new HTTPSRedirectMiddleware(fixedApp(200, [], ['OK']));

test.each([
  ['testserver', '/', '', 'https://testserver/'],
  ['testserver:80', '/path', 'a=1&b=2', 'https://testserver/path?a=1&b=2'],
  ['testserver:443', '/', '', 'https://testserver/'],
  ['testserver:8080', '/x', '', 'https://testserver:8080/x'],
  ['[::1]:80', '/', '', 'https://[::1]/'],
])('http request with host %j to %j redirects with 307', async (host, path, query, location) => {
  const res = await drive(app, { headers: { host }, path, query });
  expect(res.status).toBe(307);
  expect(res.header('location')).toBe(location);
  expect(res.header('content-length')).toBe('0');
  expect(res.body.length).toBe(0);
});

test('the method and body are kept by using 307 (POST included)', async () => {
  const res = await drive(app, { method: 'POST', body: 'data' });
  expect(res.status).toBe(307);
});

test('https requests pass through', async () => {
  const res = await drive(app, { scheme: 'https' });
  expect(res.status).toBe(200);
  expect(res.text()).toBe('OK');
});

test('without a Host header the server address is used', async () => {
  const res = await drive(app, { headers: [], server: ['10.0.0.1', 8000] });
  expect(res.header('location')).toBe('https://10.0.0.1:8000/');
});

test('a ws websocket is redirected to wss with a denial response', async () => {
  const sent: { type: string; status?: number; headers?: [string, string][] }[] = [];
  await app(
    { type: 'websocket', asgi: { version: '3.0', spec_version: '2.4' }, http_version: '1.1', scheme: 'ws', path: '/ws', raw_path: '/ws', query_string: '', root_path: '', headers: [['host', 'testserver']], client: null, server: null, subprotocols: [] },
    async () => ({ type: 'websocket.connect' }),
    async (message) => {
      sent.push(message as never);
    },
  );
  expect(sent[0]!.type).toBe('websocket.http.response.start');
  expect(sent[0]!.status).toBe(307);
  expect(sent[0]!.headers).toContainEqual(['location', 'wss://testserver/ws']);
});

describe('in a Starlette app, through the TestClient', () => {
  const app = new Starlette({
    routes: [new Route('/', () => new PlainTextResponse('OK'))],
    middleware: [new Middleware(HTTPSRedirectMiddleware)],
  });

  test('http is redirected to https; the client following it lands on the page', async () => {
    const direct = await new TestClient(app, { followRedirects: false }).get('/?q=1');
    expect(direct.status).toBe(307);
    expect(direct.headers.get('location')).toBe('https://testserver/?q=1');
    const followed = await new TestClient(app).get('/');
    expect([followed.status, followed.text]).toEqual([200, 'OK']);
    const https = await new TestClient(app, { baseUrl: 'https://testserver' }).get('/');
    expect(https.status).toBe(200);
    const port = await new TestClient(app, { baseUrl: 'http://testserver:123', followRedirects: false }).get('/');
    expect(port.headers.get('location')).toBe('https://testserver:123/');
  });
});
