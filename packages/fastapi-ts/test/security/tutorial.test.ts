/**
 * FastAPI's security tutorial005 (OAuth2 scopes with hashed passwords and
 * JWTs), ported: docs/examples/security/oauth2-scopes.ts runs here through
 * the TestClient, with the assertions of tests/test_tutorial/test_security/test_tutorial005.py.
 */
import 'reflect-metadata';
import * as path from 'node:path';
import { SignJWT } from 'jose';
import { TestClient } from 'starlette-ts';
import type { FastAPI } from '../../src';

// The examples live in docs/ (outside this package's tsconfig), so they are loaded by path.
const examples = path.join(__dirname, '../../../../docs/examples/security');
interface Tutorial {
  app: FastAPI;
  createAccessToken(data: { sub: string; scope?: string }, minutes?: number): Promise<string>;
}
interface Passwords {
  hashPassword(password: string): Promise<string>;
  verifyPassword(password: string, stored: string): Promise<boolean>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tutorial = require(path.join(examples, 'oauth2-scopes')) as Tutorial;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const passwords = require(path.join(examples, 'passwords')) as Passwords;

const client = new TestClient(tutorial.app);
const SECRET = new TextEncoder().encode('09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7');

async function getAccessToken(options: { username?: string; password?: string; scope?: string } = {}): Promise<string> {
  const data: Record<string, string> = { username: options.username ?? 'johndoe', password: options.password ?? 'secret' };
  if (options.scope) data.scope = options.scope;
  const response = await client.post('/token', { data });
  expect(response.statusCode).toBe(200);
  return response.json<{ access_token: string }>().access_token;
}

const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });

describe('the password flow', () => {
  test('logging in returns a bearer JWT', async () => {
    const response = await client.post('/token', { data: { username: 'johndoe', password: 'secret' } });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ access_token: string; token_type: string }>();
    expect(Object.keys(body).sort()).toEqual(['access_token', 'token_type']);
    expect(body.token_type).toBe('bearer');
    expect(body.access_token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  test('a wrong password and an unknown user get the same 400', async () => {
    let response = await client.post('/token', { data: { username: 'johndoe', password: 'incorrect' } });
    expect([response.statusCode, response.json()]).toEqual([400, { detail: 'Incorrect username or password' }]);
    response = await client.post('/token', { data: { username: 'foo', password: 'secret' } });
    expect([response.statusCode, response.json()]).toEqual([400, { detail: 'Incorrect username or password' }]);
  });

  test('the token form sent as JSON is a 422 naming the missing fields', async () => {
    const response = await client.post('/token', { json: { username: 'johndoe', password: 'secret' } });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({
      detail: [
        { type: 'missing', loc: ['body', 'username'], msg: 'Field required', input: null },
        { type: 'missing', loc: ['body', 'password'], msg: 'Field required', input: null },
      ],
    });
  });

  test('no token: 401 Not authenticated with the Bearer challenge', async () => {
    for (const url of ['/users/me/', '/status/']) {
      const response = await client.get(url);
      expect([response.statusCode, response.json(), response.headers.get('www-authenticate')]).toEqual([401, { detail: 'Not authenticated' }, 'Bearer']);
    }
  });

  test('a token with the "me" scope reads the current user', async () => {
    const token = await getAccessToken({ scope: 'me' });
    const response = await client.get('/users/me/', { headers: bearer(token) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ username: 'johndoe', full_name: 'John Doe', email: 'johndoe@example.com', disabled: false });
  });

  test('a token that does not verify: 401 Could not validate credentials, challenge with the scopes', async () => {
    const response = await client.get('/users/me/', { headers: bearer('nonexistent') });
    expect([response.statusCode, response.json(), response.headers.get('www-authenticate')]).toEqual([
      401,
      { detail: 'Could not validate credentials' },
      'Bearer scope="me"',
    ]);
  });

  test('another scheme in the Authorization header is Not authenticated', async () => {
    const response = await client.get('/users/me/', { headers: { Authorization: 'Notexistent testtoken' } });
    expect([response.statusCode, response.json(), response.headers.get('www-authenticate')]).toEqual([401, { detail: 'Not authenticated' }, 'Bearer']);
  });

  test('tokens without "sub", for an unknown user, forged or expired are refused', async () => {
    const sign = (claims: Record<string, unknown>, key = SECRET, exp = '5m'): Promise<string> =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(exp).sign(key);
    const tokens = [
      await sign({ data: 'foo' }),
      await sign({ sub: 'username:bob', scope: 'me' }),
      await sign({ sub: 'johndoe', scope: 'me' }, new TextEncoder().encode('another key of thirty-two bytes!')),
      await sign({ sub: 'johndoe', scope: 'me' }, SECRET, '-1m'),
      // alg "none": an unsigned token must never pass.
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"johndoe","scope":"me"}').toString('base64url')}.`,
    ];
    for (const token of tokens) {
      const response = await client.get('/users/me/', { headers: bearer(token) });
      expect([response.statusCode, response.json(), response.headers.get('www-authenticate')]).toEqual([
        401,
        { detail: 'Could not validate credentials' },
        'Bearer scope="me"',
      ]);
    }
  });

  test('a token without the required scope: 401 Not enough permissions naming the scopes', async () => {
    const token = await getAccessToken();
    let response = await client.get('/users/me/', { headers: bearer(token) });
    expect([response.statusCode, response.json(), response.headers.get('www-authenticate')]).toEqual([401, { detail: 'Not enough permissions' }, 'Bearer scope="me"']);
    const meOnly = await getAccessToken({ scope: 'me' });
    response = await client.get('/users/me/items/', { headers: bearer(meOnly) });
    expect([response.statusCode, response.json(), response.headers.get('www-authenticate')]).toEqual([
      401,
      { detail: 'Not enough permissions' },
      'Bearer scope="items me"',
    ]);
  });

  test('an inactive user is refused with 400', async () => {
    const token = await getAccessToken({ username: 'alice', password: 'secretalice', scope: 'me' });
    const response = await client.get('/users/me/', { headers: bearer(token) });
    expect([response.statusCode, response.json()]).toEqual([400, { detail: 'Inactive user' }]);
  });

  test('a token with both scopes reads the items; /status/ needs no scope', async () => {
    const token = await getAccessToken({ scope: 'me items' });
    let response = await client.get('/users/me/items/', { headers: bearer(token) });
    expect([response.statusCode, response.json()]).toEqual([200, [{ item_id: 'Foo', owner: 'johndoe' }]]);
    response = await client.get('/status/', { headers: bearer(await getAccessToken()) });
    expect([response.statusCode, response.json()]).toEqual([200, { status: 'ok' }]);
  });

  test('createAccessToken signs the data', async () => {
    const token = await tutorial.createAccessToken({ sub: 'johndoe', scope: 'me' });
    const response = await client.get('/users/me/', { headers: bearer(token) });
    expect(response.statusCode).toBe(200);
  });
});

describe('password hashing with scrypt', () => {
  test('a hash verifies its password only, and two hashes of one password differ', async () => {
    const hash = await passwords.hashPassword('secretalice');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await passwords.verifyPassword('secretalice', hash)).toBe(true);
    expect(await passwords.verifyPassword('secretalicE', hash)).toBe(false);
    expect(await passwords.hashPassword('secretalice')).not.toBe(hash);
  });

  test('malformed stored hashes never match', async () => {
    for (const stored of ['', 'plain', 'bcrypt$1$2$3$salt$key', 'scrypt$0$8$1$c2FsdA$a2V5', 'scrypt$16384$8$1$c2FsdA$c2hvcnQ', 'scrypt$x$8$1$c2FsdA$a2V5']) {
      expect(await passwords.verifyPassword('secret', stored)).toBe(false);
    }
  });
});

test('OpenAPI: the scheme, each operation\'s scopes, and the token form', async () => {
  const openapi = (await client.get('/openapi.json')).json<Record<string, any>>(); // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(openapi.components.securitySchemes).toEqual({
    OAuth2PasswordBearer: {
      type: 'oauth2',
      flows: { password: { tokenUrl: 'token', scopes: { me: 'Read information about the current user.', items: 'Read items.' } } },
    },
  });
  expect(openapi.paths['/users/me/'].get.security).toEqual([{ OAuth2PasswordBearer: ['me'] }]);
  expect(openapi.paths['/users/me/items/'].get.security).toEqual([{ OAuth2PasswordBearer: ['items', 'me'] }]);
  expect(openapi.paths['/status/'].get.security).toEqual([{ OAuth2PasswordBearer: [] }]);
  expect(openapi.paths['/token'].post.security).toBeUndefined();
  expect(openapi.paths['/token'].post.requestBody).toEqual({
    content: { 'application/x-www-form-urlencoded': { schema: { $ref: '#/components/schemas/Body_login_for_access_token_token_post' } } },
    required: true,
  });
  expect(openapi.components.schemas.Body_login_for_access_token_token_post).toEqual({
    title: 'Body_login_for_access_token_token_post',
    required: ['username', 'password'],
    type: 'object',
    properties: {
      grant_type: { title: 'Grant Type', anyOf: [{ pattern: '^password$', type: 'string' }, { type: 'null' }] },
      username: { title: 'Username', type: 'string' },
      password: { title: 'Password', type: 'string', format: 'password' },
      scope: { title: 'Scope', type: 'string', default: '' },
      client_id: { title: 'Client Id', anyOf: [{ type: 'string' }, { type: 'null' }] },
      // FastAPI puts `format` beside `anyOf`; the OpenAPI module moves it into the string branch (equivalent: format only applies to strings).
      client_secret: { title: 'Client Secret', anyOf: [{ type: 'string', format: 'password' }, { type: 'null' }] },
    },
  });
});
