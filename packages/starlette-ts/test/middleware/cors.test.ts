import type { ASGIApp, Header } from 'asgi-core';
import { Starlette } from '../../src/applications';
import { Middleware } from '../../src/middleware';
import { CORSMiddleware, type CORSOptions } from '../../src/middleware/cors';
import { PlainTextResponse } from '../../src/responses';
import { Route } from '../../src/routing';
import { TestClient } from '../../src/testclient';
import { drive, fixedApp } from '../support/edges-driver';

const homepage = fixedApp(200, [['content-type', 'text/plain; charset=utf-8']], ['Homepage']);
const cors = (options: CORSOptions, app: ASGIApp = homepage) => new CORSMiddleware(app, options);
const sorted = (headers: Header[]) => [...headers].sort((a, b) => (a[0] + a[1]).localeCompare(b[0] + b[1]));

const preflight = (origin: string, method = 'GET', requestHeaders?: string, extra: Record<string, string> = {}) => ({
  method: 'OPTIONS',
  headers: {
    origin,
    'access-control-request-method': method,
    ...(requestHeaders === undefined ? {} : { 'access-control-request-headers': requestHeaders }),
    ...extra,
  },
});

describe('allow everything, with credentials', () => {
  const app = cors({ allowOrigins: ['*'], allowHeaders: ['*'], allowMethods: ['*'], exposeHeaders: ['X-Status'], allowCredentials: true });

  test('preflight echoes origin and requested headers', async () => {
    const res = await drive(app, preflight('https://example.org', 'GET', 'X-Example'));
    expect(res.status).toBe(200);
    expect(res.text()).toBe('OK');
    expect(sorted(res.headers)).toEqual(
      sorted([
        ['vary', 'Origin'],
        ['access-control-allow-methods', 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT'],
        ['access-control-max-age', '600'],
        ['access-control-allow-credentials', 'true'],
        ['access-control-allow-origin', 'https://example.org'],
        ['access-control-allow-headers', 'X-Example'],
        ['content-length', '2'],
        ['content-type', 'text/plain; charset=utf-8'],
      ]),
    );
  });

  test('a simple request gets the explicit origin (never * with credentials) and Vary: Origin', async () => {
    const res = await drive(app, { headers: { origin: 'https://example.org' } });
    expect(res.status).toBe(200);
    expect(res.text()).toBe('Homepage');
    expect(res.header('access-control-allow-origin')).toBe('https://example.org');
    expect(res.header('access-control-allow-credentials')).toBe('true');
    expect(res.header('access-control-expose-headers')).toBe('X-Status');
    expect(res.header('vary')).toBe('Origin');
  });

  test('a request without Origin is left alone', async () => {
    const res = await drive(app, {});
    expect(res.headers).toEqual([['content-type', 'text/plain; charset=utf-8']]);
  });
});

describe('allow everything, without credentials', () => {
  const app = cors({ allowOrigins: ['*'], allowHeaders: ['*'], allowMethods: ['*'], exposeHeaders: ['X-Status'] });

  test('preflight answers * and no Vary', async () => {
    const res = await drive(app, preflight('https://example.org', 'GET', 'X-Example'));
    expect(res.status).toBe(200);
    expect(res.header('access-control-allow-origin')).toBe('*');
    expect(res.header('access-control-allow-headers')).toBe('X-Example');
    expect(res.header('vary')).toBeUndefined();
    expect(res.header('access-control-allow-credentials')).toBeUndefined();
  });

  test('a simple request gets * and no Vary', async () => {
    const res = await drive(app, { headers: { origin: 'https://example.org' } });
    expect(res.header('access-control-allow-origin')).toBe('*');
    expect(res.header('access-control-expose-headers')).toBe('X-Status');
    expect(res.header('vary')).toBeUndefined();
  });
});

describe('specific origins', () => {
  const app = cors({ allowOrigins: ['https://example.org'], allowHeaders: ['X-Example', 'Content-Type'] });

  test('an allowed preflight lists safelisted plus allowed headers, sorted', async () => {
    const res = await drive(app, preflight('https://example.org', 'GET', 'X-Example, content-type'));
    expect(res.status).toBe(200);
    expect(res.text()).toBe('OK');
    expect(sorted(res.headers)).toEqual(
      sorted([
        ['vary', 'Origin'],
        ['access-control-allow-origin', 'https://example.org'],
        ['access-control-allow-methods', 'GET'],
        ['access-control-max-age', '600'],
        ['access-control-allow-headers', 'Accept, Accept-Language, Content-Language, Content-Type, X-Example'],
        ['content-length', '2'],
        ['content-type', 'text/plain; charset=utf-8'],
      ]),
    );
  });

  test('a refused preflight names every failure, in order, with 400', async () => {
    const res = await drive(app, preflight('https://another.org', 'POST', 'X-Nope'));
    expect(res.status).toBe(400);
    expect(res.text()).toBe('Disallowed CORS origin, method, headers');
    expect(res.header('access-control-allow-origin')).toBeUndefined();
    expect(res.header('vary')).toBe('Origin');
    expect((await drive(app, preflight('https://example.org', 'DELETE'))).text()).toBe('Disallowed CORS method');
    expect((await drive(app, preflight('https://example.org', 'GET', 'X-Example, X-Other'))).text()).toBe('Disallowed CORS headers');
  });

  test('a simple request from an allowed origin mirrors it and adds to an existing Vary', async () => {
    const inner = fixedApp(200, [['vary', 'Accept-Encoding']], ['x']);
    const res = await drive(cors({ allowOrigins: ['https://example.org'] }, inner), { headers: { origin: 'https://example.org' } });
    expect(res.header('access-control-allow-origin')).toBe('https://example.org');
    expect(res.headerAll('vary')).toEqual(['Accept-Encoding, Origin']);
  });

  test('a simple request from another origin gets no CORS headers but still the response', async () => {
    const res = await drive(app, { headers: { origin: 'https://another.org' } });
    expect(res.status).toBe(200);
    expect(res.text()).toBe('Homepage');
    expect(res.header('access-control-allow-origin')).toBeUndefined();
    expect(res.header('vary')).toBeUndefined();
  });

  test('OPTIONS without access-control-request-method is not a preflight', async () => {
    const res = await drive(app, { method: 'OPTIONS', headers: { origin: 'https://example.org' } });
    expect(res.text()).toBe('Homepage');
    expect(res.header('access-control-allow-origin')).toBe('https://example.org');
  });

  test('custom max age and exposed headers', async () => {
    const custom = cors({ allowOrigins: ['https://example.org'], maxAge: 3600, exposeHeaders: ['X-A', 'X-B'] });
    expect((await drive(custom, preflight('https://example.org'))).header('access-control-max-age')).toBe('3600');
    expect((await drive(custom, { headers: { origin: 'https://example.org' } })).header('access-control-expose-headers')).toBe('X-A, X-B');
  });
});

describe('origin regex and spoofing', () => {
  const app = cors({ allowOriginRegex: 'https://.*\\.example\\.org', allowHeaders: ['X-Example'] });

  test('a matching origin is allowed for preflight and simple requests', async () => {
    const res = await drive(app, preflight('https://api.example.org', 'GET', 'X-Example'));
    expect(res.status).toBe(200);
    expect(res.header('access-control-allow-origin')).toBe('https://api.example.org');
    expect((await drive(app, { headers: { origin: 'https://api.example.org' } })).header('access-control-allow-origin')).toBe(
      'https://api.example.org',
    );
  });

  test.each([
    'https://api.example.org.evil.com',
    'http://api.example.org',
    'https://example.org',
    'https://api.example.orgx',
    'null',
    ' https://api.example.org',
    'https://api.example.org ',
    'https://api.example.org\u0000',
  ])('spoofed origin %j is refused', async (origin) => {
    const res = await drive(app, preflight(origin));
    expect(res.status).toBe(400);
    expect(res.text()).toBe('Disallowed CORS origin');
    const simple = await drive(app, { headers: { origin } });
    expect(simple.header('access-control-allow-origin')).toBeUndefined();
  });

  test('exact-origin lists do no prefix or case folding tricks', async () => {
    const exact = cors({ allowOrigins: ['https://example.org'] });
    for (const origin of ['https://example.org.evil.com', 'https://EXAMPLE.org', 'https://example.org/', 'https://example.or']) {
      expect((await drive(exact, preflight(origin))).text()).toBe('Disallowed CORS origin');
    }
  });

  test('a RegExp object works the same and is anchored', async () => {
    const re = cors({ allowOriginRegex: /https:\/\/[a-z]+\.test/ });
    expect((await drive(re, preflight('https://abc.test'))).status).toBe(200);
    expect((await drive(re, preflight('https://abc.test.evil'))).status).toBe(400);
  });
});

describe('private network access', () => {
  test('refused by default, allowed with allowPrivateNetwork', async () => {
    const request = preflight('https://example.org', 'GET', undefined, { 'access-control-request-private-network': 'true' });
    const refused = await drive(cors({ allowOrigins: ['*'] }), request);
    expect(refused.status).toBe(400);
    expect(refused.text()).toBe('Disallowed CORS private-network');
    const allowed = await drive(cors({ allowOrigins: ['*'], allowPrivateNetwork: true }), request);
    expect(allowed.status).toBe(200);
    expect(allowed.header('access-control-allow-private-network')).toBe('true');
  });
});

test('non-http scopes pass through untouched', async () => {
  const seen: string[] = [];
  const inner: ASGIApp = async (scope) => {
    seen.push(scope.type);
  };
  await cors({ allowOrigins: ['*'] }, inner)({ type: 'lifespan', asgi: { version: '3.0', spec_version: '2.4' } }, async () => ({ type: 'lifespan.startup' }), async () => undefined);
  expect(seen).toEqual(['lifespan']);
});

describe('in a Starlette app, through the TestClient', () => {
  const app = new Starlette({
    routes: [new Route('/', () => new PlainTextResponse('Homepage'), { methods: ['GET', 'POST'] })],
    middleware: [new Middleware(CORSMiddleware, { allowOrigins: ['https://example.org'], allowMethods: ['GET', 'POST'], allowHeaders: ['X-Example'], allowCredentials: true })],
  });
  const client = new TestClient(app);

  test('preflight is answered by the middleware, before routing', async () => {
    const res = await client.options('/', {
      headers: { Origin: 'https://example.org', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'X-Example' },
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe('OK');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://example.org');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('vary')).toBe('Origin');
  });

  test('a simple request gets the headers on the route response; a foreign origin does not', async () => {
    const res = await client.post('/', { headers: { Origin: 'https://example.org' } });
    expect(res.text).toBe('Homepage');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://example.org');
    const foreign = await client.get('/', { headers: { Origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeUndefined();
    const refused = await client.options('/', { headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'PUT' } });
    expect([refused.status, refused.text]).toEqual([400, 'Disallowed CORS origin, method']);
  });
});

test('a response object reused across requests is not mutated by the middleware', async () => {
  const shared = new PlainTextResponse('shared', { headers: { vary: 'Accept' } });
  const app = cors({ allowOrigins: ['https://example.org'] }, (scope, receive, send) => shared(scope, receive, send));
  for (let i = 0; i < 3; i++) {
    const res = await drive(app, { headers: { origin: 'https://example.org' } });
    expect(res.headerAll('vary')).toEqual(['Accept, Origin']);
  }
  expect(shared.headers.get('vary')).toBe('Accept');
  expect(shared.headers.get('access-control-allow-origin')).toBeUndefined();
});
