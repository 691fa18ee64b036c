import { Starlette } from '../../src/applications';
import { TimestampSigner } from '../../src/internal/signing';
import { Middleware } from '../../src/middleware';
import { SessionMiddleware, clearSession, type SessionOptions } from '../../src/middleware/sessions';
import type { Request } from '../../src/requests';
import { JSONResponse, PlainTextResponse } from '../../src/responses';
import { Route } from '../../src/routing';
import { TestClient } from '../../src/testclient';

const SECRET = 'example-secret-key';

function createApp(options: Partial<SessionOptions> = {}) {
  return new Starlette({
    routes: [
      new Route('/view', (request: Request) => new JSONResponse({ session: request.session })),
      new Route(
        '/update',
        async (request: Request) => {
          Object.assign(request.session, (await request.json()) as object);
          return new JSONResponse({ session: request.session });
        },
        { methods: ['POST'] },
      ),
      new Route(
        '/clear',
        (request: Request) => {
          clearSession(request.session);
          return new JSONResponse({ session: request.session });
        },
        { methods: ['POST'] },
      ),
      new Route('/untouched', () => new PlainTextResponse('no session use')),
    ],
    middleware: [new Middleware(SessionMiddleware, { secretKey: SECRET, ...options })],
  });
}

function signedCookie(data: unknown, options: { secret?: string; now?: number } = {}): string {
  const payload = Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)).toString('base64');
  return new TimestampSigner(options.secret ?? SECRET).sign(payload, options.now);
}

test('a session is stored in a signed cookie, read back, and cleared', async () => {
  const client = new TestClient(createApp());
  let res = await client.get('/view');
  expect(res.json()).toEqual({ session: {} });
  expect(res.headers.get('set-cookie')).toBeUndefined();
  expect(res.headers.get('vary')).toBe('Cookie');

  res = await client.post('/update', { json: { some: 'data', n: 1 } });
  expect(res.json()).toEqual({ session: { some: 'data', n: 1 } });
  const cookie = res.headers.get('set-cookie')!;
  expect(cookie).toMatch(/^session=[A-Za-z0-9+/=]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}; path=\/; Max-Age=1209600; httponly; samesite=lax$/);
  const value = /^session=([^;]+)/.exec(cookie)![1]!;
  expect(JSON.parse(Buffer.from(value.split('.')[0]!, 'base64').toString())).toEqual({ some: 'data', n: 1 });

  res = await client.get('/view');
  expect(res.json()).toEqual({ session: { some: 'data', n: 1 } });
  expect(res.headers.get('set-cookie')).toBeUndefined();

  res = await client.post('/clear');
  expect(res.json()).toEqual({ session: {} });
  expect(res.headers.get('set-cookie')).toBe('session=null; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly; samesite=lax');

  res = await client.get('/view');
  expect(res.json()).toEqual({ session: {} });
});

test('a route that never touches the session gets no Vary and no cookie', async () => {
  const res = await new TestClient(createApp()).get('/untouched');
  expect(res.text).toBe('no session use');
  expect(res.headers.get('vary')).toBeUndefined();
  expect(res.headers.get('set-cookie')).toBeUndefined();
});

test('clearing an already empty session sends no cookie', async () => {
  const res = await new TestClient(createApp()).post('/clear');
  expect(res.headers.get('set-cookie')).toBeUndefined();
});

test('cookie attributes: name, path, maxAge, sameSite, httpsOnly, domain', async () => {
  const client = new TestClient(
    createApp({ sessionCookie: 'sid', path: '/app', maxAge: 60, sameSite: 'strict', httpsOnly: true, domain: 'example.com' }),
  );
  const res = await client.post('/update', { json: { a: 1 } });
  expect(res.headers.get('set-cookie')).toMatch(/^sid=[^;]+; path=\/app; Max-Age=60; httponly; samesite=strict; secure; domain=example\.com$/);
  const noMaxAge = await new TestClient(createApp({ maxAge: null })).post('/update', { json: { a: 1 } });
  expect(noMaxAge.headers.get('set-cookie')).toMatch(/^session=[^;]+; path=\/; httponly; samesite=lax$/);
});

test('a cookie older than maxAge gives an empty session', async () => {
  const now = Math.floor(Date.now() / 1000);
  const fresh = new TestClient(createApp({ maxAge: 100 }), { cookies: { session: signedCookie({ user: 'ann' }, { now: now - 50 }) } });
  expect((await fresh.get('/view')).json()).toEqual({ session: { user: 'ann' } });
  const expired = new TestClient(createApp({ maxAge: 100 }), { cookies: { session: signedCookie({ user: 'ann' }, { now: now - 101 }) } });
  expect((await expired.get('/view')).json()).toEqual({ session: {} });
});

describe('forged and broken cookies give an empty session, never an error', () => {
  const genuine = signedCookie({ user: 'ann', admin: false });
  const [payload, stamp, signature] = genuine.split('.') as [string, string, string];
  const forgedPayload = Buffer.from(JSON.stringify({ user: 'ann', admin: true })).toString('base64');
  const flip = (text: string, index: number) => text.slice(0, index) + (text[index] === 'A' ? 'B' : 'A') + text.slice(index + 1);
  const now = Math.floor(Date.now() / 1000);
  const corpus: [string, string][] = [
    ['payload swapped, signature kept', `${forgedPayload}.${stamp}.${signature}`],
    ['one payload character changed', `${flip(payload, 3)}.${stamp}.${signature}`],
    ['timestamp changed', `${payload}.${flip(stamp, 0)}.${signature}`],
    ['signature changed', `${payload}.${stamp}.${flip(signature, 10)}`],
    ['signature truncated', `${payload}.${stamp}.${signature.slice(0, 20)}`],
    ['signature missing', `${payload}.${stamp}`],
    ['signature empty', `${payload}.${stamp}.`],
    ['only the payload', payload],
    ['signed with another key', signedCookie({ user: 'ann', admin: true }, { secret: 'other-key' })],
    ['signed in the future', signedCookie({ user: 'ann' }, { now: now + 3600 })],
    ['valid signature over non-JSON', signedCookie('not json at all')],
    ['valid signature over a JSON array', signedCookie([1, 2, 3])],
    ['valid signature over JSON null', signedCookie('null')],
    ['valid signature over non-base64', new TimestampSigner(SECRET).sign('%%%***')],
    ['empty value', ''],
    ['the literal null of a cleared cookie', 'null'],
    ['dots only', '...'],
    ['huge garbage', 'A'.repeat(4000)],
    ['unicode garbage', 'é東京.ü.ñ'],
  ];

  test.each(corpus)('%s', async (_label, cookie) => {
    const client = new TestClient(createApp(), { cookies: { session: cookie } });
    const res = await client.get('/view');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ session: {} });
    expect(res.headers.get('set-cookie')).toBeUndefined();
  });

  test('the genuine cookie is accepted (the corpus is not failing for another reason)', async () => {
    const client = new TestClient(createApp(), { cookies: { session: genuine } });
    expect((await client.get('/view')).json()).toEqual({ session: { user: 'ann', admin: false } });
  });

  test('a forged cookie replaced by a new session is re-signed correctly', async () => {
    const client = new TestClient(createApp(), { cookies: { session: `${forgedPayload}.${stamp}.${signature}` } });
    const res = await client.post('/update', { json: { fresh: true } });
    expect(res.json()).toEqual({ session: { fresh: true } });
    expect((await client.get('/view')).json()).toEqual({ session: { fresh: true } });
  });
});

test('replacing scope.session with a new object is honoured', async () => {
  const app = new SessionMiddleware(async (scope, _receive, send) => {
    scope.session = { replaced: 'yes' };
    await send({ type: 'http.response.start', status: 200, headers: [] });
    await send({ type: 'http.response.body', body: new Uint8Array(0) });
  }, { secretKey: SECRET });
  const res = await new TestClient(app).get('/');
  expect(res.headers.get('set-cookie')).toMatch(/^session=/);
  const value = /^session=([^.]+)/.exec(res.headers.get('set-cookie')!)![1]!;
  expect(JSON.parse(Buffer.from(value, 'base64').toString())).toEqual({ replaced: 'yes' });
});

test('an empty secret key is refused', () => {
  expect(() => new SessionMiddleware(async () => undefined, { secretKey: '' })).toThrow('SessionMiddleware needs a non-empty secretKey option');
});

test('the signer rejects what it did not sign and accepts what it did', () => {
  const signer = new TimestampSigner('k');
  const signed = signer.sign('value', 1000);
  expect(signer.unsign(signed, null, 5000)).toBe('value');
  expect(signer.unsign(signed, 10, 1005)).toBe('value');
  expect(signer.unsign(signed, 10, 1011)).toBeNull();
  expect(signer.unsign(signed, null, 999)).toBeNull();
  expect(new TimestampSigner('other').unsign(signed, null, 1000)).toBeNull();
});
