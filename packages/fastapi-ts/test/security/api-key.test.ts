/**
 * APIKeyHeader, APIKeyQuery and APIKeyCookie, as FastAPI's
 * tests/test_security_api_key_*.py: a dependency reads the key; missing or
 * empty keys are 401 "Not authenticated" with the `APIKey` challenge.
 */
import 'reflect-metadata';
import { TestClient } from 'starlette-ts';
import { APIKeyCookie, APIKeyHeader, APIKeyQuery, Depends, FastAPI, Security, dependency } from '../../src';
import { answer } from './helpers';

const NOT_AUTHENTICATED = { detail: 'Not authenticated' };
type Options = Parameters<TestClient['get']>[1];

/** FastAPI's test app: `get_current_user` wraps the key into a user. */
function appFor(scheme: APIKeyHeader<boolean> | APIKeyQuery<boolean> | APIKeyCookie<boolean>): FastAPI {
  const getCurrentUser = dependency({ oauthHeader: Security(scheme) }, function get_current_user({ oauthHeader }) {
    return oauthHeader === undefined ? undefined : { username: oauthHeader };
  });
  const app = new FastAPI();
  app.get('/users/me', { params: { currentUser: Depends(getCurrentUser) } }, function read_current_user({ currentUser }) {
    return currentUser ?? { msg: 'Create an account first' };
  });
  return app;
}

async function schemesOf(app: FastAPI): Promise<[unknown, unknown]> {
  const doc = (await new TestClient(app).get('/openapi.json')).json<{ components: { securitySchemes: unknown }; paths: Record<string, { get: { security: unknown } }> }>();
  return [doc.components.securitySchemes, doc.paths['/users/me'].get.security];
}

describe('APIKeyHeader', () => {
  const client = new TestClient(appFor(new APIKeyHeader({ name: 'key' })));

  test('the key header, matched case-insensitively', async () => {
    expect(answer(await client.get('/users/me', { headers: { key: 'secret' } }))).toEqual([200, { username: 'secret' }, null]);
    expect(answer(await client.get('/users/me', { headers: { KEY: 'secret' } }))).toEqual([200, { username: 'secret' }, null]);
    const mixed = new TestClient(appFor(new APIKeyHeader({ name: 'X-API-Key' })));
    expect(answer(await mixed.get('/users/me', { headers: { 'x-api-key': 'k' } }))).toEqual([200, { username: 'k' }, null]);
  });

  test('missing, empty, or in the wrong place: 401 with the APIKey challenge', async () => {
    for (const options of <Options[]>[{}, { headers: { key: '' } }, { headers: { other: 'secret' } }, { params: { key: 'secret' } }, { cookies: { key: 'secret' } }]) {
      expect(answer(await client.get('/users/me', options))).toEqual([401, NOT_AUTHENTICATED, 'APIKey']);
    }
  });

  test('autoError false gives undefined', async () => {
    const optional = new TestClient(appFor(new APIKeyHeader({ name: 'key', autoError: false })));
    expect(answer(await optional.get('/users/me'))).toEqual([200, { msg: 'Create an account first' }, null]);
    expect(answer(await optional.get('/users/me', { headers: { key: '' } }))).toEqual([200, { msg: 'Create an account first' }, null]);
    expect(answer(await optional.get('/users/me', { headers: { key: 'secret' } }))).toEqual([200, { username: 'secret' }, null]);
  });

  test('OpenAPI: apiKey in header with its name and description', async () => {
    expect(await schemesOf(appFor(new APIKeyHeader({ name: 'key', description: 'An API Key Header' })))).toEqual([
      { APIKeyHeader: { type: 'apiKey', name: 'key', in: 'header', description: 'An API Key Header' } },
      [{ APIKeyHeader: [] }],
    ]);
  });
});

describe('APIKeyQuery', () => {
  const client = new TestClient(appFor(new APIKeyQuery({ name: 'key' })));

  test('the key query parameter (the last of repeated ones)', async () => {
    expect(answer(await client.get('/users/me', { params: { key: 'secret' } }))).toEqual([200, { username: 'secret' }, null]);
    expect(answer(await client.get('/users/me?key=a&key=b'))).toEqual([200, { username: 'b' }, null]);
    expect(answer(await client.get('/users/me?key=a%20b%2Bc'))).toEqual([200, { username: 'a b+c' }, null]);
  });

  test('missing, empty, or in the wrong place: 401 with the APIKey challenge', async () => {
    for (const url of ['/users/me', '/users/me?key=', '/users/me?KEY=secret']) {
      expect(answer(await client.get(url))).toEqual([401, NOT_AUTHENTICATED, 'APIKey']);
    }
    expect(answer(await client.get('/users/me', { headers: { key: 'secret' } }))).toEqual([401, NOT_AUTHENTICATED, 'APIKey']);
  });

  test('autoError false gives undefined', async () => {
    const optional = new TestClient(appFor(new APIKeyQuery({ name: 'key', autoError: false })));
    expect(answer(await optional.get('/users/me'))).toEqual([200, { msg: 'Create an account first' }, null]);
    expect(answer(await optional.get('/users/me?key=secret'))).toEqual([200, { username: 'secret' }, null]);
  });

  test('OpenAPI: apiKey in query', async () => {
    expect(await schemesOf(appFor(new APIKeyQuery({ name: 'key' })))).toEqual([{ APIKeyQuery: { type: 'apiKey', name: 'key', in: 'query' } }, [{ APIKeyQuery: [] }]]);
  });
});

describe('APIKeyCookie', () => {
  const client = new TestClient(appFor(new APIKeyCookie({ name: 'key' })));

  test('the key cookie', async () => {
    expect(answer(await client.get('/users/me', { cookies: { key: 'secret' } }))).toEqual([200, { username: 'secret' }, null]);
    expect(answer(await client.get('/users/me', { headers: { cookie: 'other=1; key=secret' } }))).toEqual([200, { username: 'secret' }, null]);
  });

  test('missing, empty, or in the wrong place: 401 with the APIKey challenge', async () => {
    for (const options of <Options[]>[{}, { cookies: { key: '' } }, { cookies: { other: 'secret' } }, { headers: { key: 'secret' } }, { headers: { cookie: 'toString=x' } }]) {
      expect(answer(await client.get('/users/me', options))).toEqual([401, NOT_AUTHENTICATED, 'APIKey']);
    }
  });

  test('autoError false gives undefined', async () => {
    const optional = new TestClient(appFor(new APIKeyCookie({ name: 'key', autoError: false })));
    expect(answer(await optional.get('/users/me'))).toEqual([200, { msg: 'Create an account first' }, null]);
    expect(answer(await optional.get('/users/me', { cookies: { key: 'secret' } }))).toEqual([200, { username: 'secret' }, null]);
  });

  test('OpenAPI: apiKey in cookie, under its schemeName', async () => {
    expect(await schemesOf(appFor(new APIKeyCookie({ name: 'session', schemeName: 'Session' })))).toEqual([
      { Session: { type: 'apiKey', name: 'session', in: 'cookie' } },
      [{ Session: [] }],
    ]);
  });
});

test('two schemes with autoError false: either credential is enough (optional alternatives)', async () => {
  const header = new APIKeyHeader({ name: 'x-key', autoError: false });
  const cookie = new APIKeyCookie({ name: 'session', autoError: false });
  const app = new FastAPI();
  app.get('/users/me', { params: { fromHeader: Depends(header), fromCookie: Depends(cookie) } }, function read_me({ fromHeader, fromCookie }) {
    return { key: fromHeader ?? fromCookie ?? null };
  });
  const client = new TestClient(app);
  expect(answer(await client.get('/users/me', { headers: { 'x-key': 'h' } }))).toEqual([200, { key: 'h' }, null]);
  expect(answer(await client.get('/users/me', { cookies: { session: 'c' } }))).toEqual([200, { key: 'c' }, null]);
  expect(answer(await client.get('/users/me'))).toEqual([200, { key: null }, null]);
  expect(await schemesOf(app)).toEqual([
    { APIKeyHeader: { type: 'apiKey', name: 'x-key', in: 'header' }, APIKeyCookie: { type: 'apiKey', name: 'session', in: 'cookie' } },
    [{ APIKeyHeader: [] }, { APIKeyCookie: [] }],
  ]);
});
