// The SQL tutorial's routes (users, their items) and the security tutorial's
// login and /users/me, through the TestClient, error paths included.
import type { TestClient } from 'starlette-ts';
import { createAccessToken } from '../src/security';
import type { Engine } from '../src/db';
import { login, missing, register, startClient } from './helpers';

let client: TestClient;
let engine: Engine;

beforeEach(async () => {
  ({ client, engine } = await startClient());
});

afterEach(async () => {
  await client.close();
});

describe('POST /users/', () => {
  test('creates a user and answers the User model, without the password', async () => {
    const r = await register(client, 'deadpool@example.com', 'chimichangas4life');
    expect([r.status, r.json()]).toEqual([200, { email: 'deadpool@example.com', id: 1, is_active: true, items: [] }]);
    expect(r.text).not.toContain('chimichangas');
  });

  test('stores the password hashed with scrypt at the configured cost, never in clear', async () => {
    await register(client, 'deadpool@example.com', 'chimichangas4life');
    const db = engine.connect();
    try {
      const row = db.get<{ hashed_password: string }>('SELECT hashed_password FROM users WHERE id = 1');
      expect(row?.hashed_password).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/); // the tests' cost: 2^10
    } finally {
      db.close();
    }
  });

  test('a second registration of the same e-mail is 400 "Email already registered"', async () => {
    await register(client, 'deadpool@example.com');
    const r = await register(client, 'deadpool@example.com', 'other');
    expect([r.status, r.json()]).toEqual([400, { detail: 'Email already registered' }]);
  });

  test('two registrations of one e-mail at once: one wins, the other is 400, never a 500', async () => {
    const [a, b] = await Promise.all([register(client, 'twice@example.com'), register(client, 'twice@example.com')]);
    expect([a.status, b.status].sort()).toEqual([200, 400]);
    expect((await client.get('/users/')).json()).toHaveLength(1);
  });

  test('a body without fields is 422 with both missing', async () => {
    const r = await client.post('/users/', { json: {} });
    expect([r.status, r.json()]).toEqual([422, { detail: [missing(['body', 'email'], {}), missing(['body', 'password'], {})] }]);
  });

  test('no body at all is 422 missing body', async () => {
    const r = await client.post('/users/');
    expect([r.status, r.json()]).toEqual([422, { detail: [missing(['body'])] }]);
  });

  test('a wrong type is 422 string_type', async () => {
    const r = await client.post('/users/', { json: { email: 42, password: 'x' } });
    expect([r.status, r.json()]).toEqual([
      422,
      { detail: [{ type: 'string_type', loc: ['body', 'email'], msg: 'Input should be a valid string', input: 42 }] },
    ]);
  });

  test('malformed JSON is 422 json_invalid', async () => {
    const r = await client.post('/users/', { content: '{"email": ', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(422);
    expect(r.json<{ detail: { type: string; loc: unknown[]; msg: string }[] }>().detail).toEqual([
      expect.objectContaining({ type: 'json_invalid', loc: ['body', 10], msg: 'JSON decode error' }),
    ]);
  });

  test('a JSON body over the 1 MiB default is 413', async () => {
    const r = await client.post('/users/', { json: { email: 'big@example.com', password: 'x'.repeat(1024 * 1024) } });
    expect([r.status, r.json()]).toEqual([413, { detail: 'Request body too large' }]);
    expect((await client.get('/users/')).json()).toEqual([]);
  });

  test('a body just under the limit is accepted', async () => {
    const password = 'x'.repeat(1024 * 1024 - 64);
    const r = await client.post('/users/', { json: { email: 'big@example.com', password } });
    expect(r.status).toBe(200);
  });
});

describe('the body limit is configurable', () => {
  test('maxBodySize (DEMO_MAX_BODY) lowers it', async () => {
    const small = await startClient({ maxBodySize: 64 });
    try {
      const ok = await small.client.post('/users/', { json: { email: 'a@example.com', password: 'p' } });
      expect(ok.status).toBe(200);
      const r = await small.client.post('/users/', { json: { email: 'b@example.com', password: 'p'.repeat(40) } });
      expect([r.status, r.json()]).toEqual([413, { detail: 'Request body too large' }]);
    } finally {
      await small.client.close();
    }
  });
});

describe('GET /users/ and /users/{user_id}', () => {
  beforeEach(async () => {
    for (const name of ['a', 'b', 'c']) await register(client, `${name}@example.com`);
  });

  test('lists users with skip and limit', async () => {
    expect((await client.get('/users/')).json<{ email: string }[]>().map((u) => u.email)).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
    const page = await client.get('/users/', { params: { skip: 1, limit: 1 } });
    expect([page.status, page.json()]).toEqual([200, [{ email: 'b@example.com', id: 2, is_active: true, items: [] }]]);
  });

  test('a non-integer skip is 422 int_parsing', async () => {
    const r = await client.get('/users/?skip=x');
    expect([r.status, r.json()]).toEqual([
      422,
      { detail: [{ type: 'int_parsing', loc: ['query', 'skip'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'x' }] },
    ]);
  });

  test('reads one user', async () => {
    const r = await client.get('/users/2');
    expect([r.status, r.json()]).toEqual([200, { email: 'b@example.com', id: 2, is_active: true, items: [] }]);
  });

  test('an unknown user is 404 "User not found"', async () => {
    const r = await client.get('/users/99');
    expect([r.status, r.json()]).toEqual([404, { detail: 'User not found' }]);
  });

  test('a non-integer id is 422 int_parsing at ["path", "user_id"]', async () => {
    const r = await client.get('/users/abc');
    expect([r.status, r.json()]).toEqual([
      422,
      { detail: [{ type: 'int_parsing', loc: ['path', 'user_id'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'abc' }] },
    ]);
  });
});

describe('items', () => {
  beforeEach(async () => {
    await register(client, 'owner@example.com');
  });

  test('POST /users/{user_id}/items/ creates an item owned by the user', async () => {
    const r = await client.post('/users/1/items/', { json: { title: 'Portal Gun', description: 'Opens portals' } });
    expect([r.status, r.json()]).toEqual([200, { title: 'Portal Gun', description: 'Opens portals', id: 1, owner_id: 1 }]);
  });

  test('description is optional and null by default', async () => {
    const r = await client.post('/users/1/items/', { json: { title: 'Plumbus' } });
    expect([r.status, r.json()]).toEqual([200, { title: 'Plumbus', description: null, id: 1, owner_id: 1 }]);
  });

  test('the user shows its items, and GET /items/ lists all of them', async () => {
    await client.post('/users/1/items/', { json: { title: 'Portal Gun' } });
    await register(client, 'other@example.com');
    await client.post('/users/2/items/', { json: { title: 'Plumbus', description: 'Everyone has one' } });
    expect((await client.get('/users/1')).json()).toEqual({
      email: 'owner@example.com',
      id: 1,
      is_active: true,
      items: [{ title: 'Portal Gun', description: null, id: 1, owner_id: 1 }],
    });
    const all = await client.get('/items/');
    expect([all.status, all.json()]).toEqual([
      200,
      [
        { title: 'Portal Gun', description: null, id: 1, owner_id: 1 },
        { title: 'Plumbus', description: 'Everyone has one', id: 2, owner_id: 2 },
      ],
    ]);
    expect((await client.get('/items/?skip=1&limit=5')).json()).toEqual([{ title: 'Plumbus', description: 'Everyone has one', id: 2, owner_id: 2 }]);
    expect((await client.get('/items/?limit=0')).json()).toEqual([]);
  });

  test('an item for an unknown user is 404 and nothing is stored', async () => {
    const r = await client.post('/users/7/items/', { json: { title: 'Orphan' } });
    expect([r.status, r.json()]).toEqual([404, { detail: 'User not found' }]);
    expect((await client.get('/items/')).json()).toEqual([]);
  });

  test('an item without a title is 422', async () => {
    const r = await client.post('/users/1/items/', { json: { description: 'no title' } });
    expect([r.status, r.json()]).toEqual([422, { detail: [missing(['body', 'title'], { description: 'no title' })] }]);
  });

  test('a non-integer user id is 422 before the body is looked at', async () => {
    const r = await client.post('/users/x/items/', { json: { title: 'T' } });
    expect(r.status).toBe(422);
    expect(r.json<{ detail: { loc: unknown[] }[] }>().detail.map((e) => e.loc)).toEqual([['path', 'user_id']]);
  });
});

describe('POST /token and GET /users/me', () => {
  beforeEach(async () => {
    await register(client, 'rick@example.com', 'wubbalubba');
  });

  test('the password form gives a bearer token that /users/me accepts', async () => {
    const r = await client.post('/token', { data: { username: 'rick@example.com', password: 'wubbalubba' } });
    expect(r.status).toBe(200);
    const body = r.json<{ access_token: string; token_type: string }>();
    expect(Object.keys(body)).toEqual(['access_token', 'token_type']);
    expect(body.token_type).toBe('bearer');
    expect(body.access_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const me = await client.get('/users/me', { headers: { Authorization: `Bearer ${body.access_token}` } });
    expect([me.status, me.json()]).toEqual([200, { email: 'rick@example.com', id: 1, is_active: true, items: [] }]);
  });

  test('a wrong password is 400 "Incorrect username or password"', async () => {
    const r = await client.post('/token', { data: { username: 'rick@example.com', password: 'nope' } });
    expect([r.status, r.json()]).toEqual([400, { detail: 'Incorrect username or password' }]);
  });

  test('an unknown user is the same 400', async () => {
    const r = await client.post('/token', { data: { username: 'morty@example.com', password: 'wubbalubba' } });
    expect([r.status, r.json()]).toEqual([400, { detail: 'Incorrect username or password' }]);
  });

  test('a form without fields is 422 with both missing', async () => {
    const r = await client.post('/token', { data: {} });
    expect([r.status, r.json()]).toEqual([422, { detail: [missing(['body', 'username']), missing(['body', 'password'])] }]);
  });

  test('without a token /users/me is 401 "Not authenticated" with WWW-Authenticate: Bearer', async () => {
    const r = await client.get('/users/me');
    expect([r.status, r.json(), r.headers.get('www-authenticate')]).toEqual([401, { detail: 'Not authenticated' }, 'Bearer']);
  });

  test('another scheme is treated as no token', async () => {
    const r = await client.get('/users/me', { headers: { Authorization: 'Basic cmljazp3dWJiYQ==' } });
    expect([r.status, r.json(), r.headers.get('www-authenticate')]).toEqual([401, { detail: 'Not authenticated' }, 'Bearer']);
  });

  test.each([
    ['garbage', 'not-a-token'],
    ['a token signed with another key', createAccessToken('rick@example.com', 'another-key', 30)],
    ['an expired token', createAccessToken('rick@example.com', 'test-secret', 30, Date.now() - 31 * 60 * 1000)],
    ['a token for a user that does not exist', createAccessToken('morty@example.com', 'test-secret', 30)],
  ])('%s is 401 "Invalid authentication credentials" with WWW-Authenticate: Bearer', async (_name, token) => {
    const r = await client.get('/users/me', { headers: { Authorization: `Bearer ${token}` } });
    expect([r.status, r.json(), r.headers.get('www-authenticate')]).toEqual([401, { detail: 'Invalid authentication credentials' }, 'Bearer']);
  });

  test('an inactive user is 400 "Inactive user"', async () => {
    const token = await login(client, 'rick@example.com', 'wubbalubba');
    const db = engine.connect();
    db.run('UPDATE users SET is_active = 0 WHERE id = 1');
    db.close();
    const r = await client.get('/users/me', { headers: { Authorization: `Bearer ${token}` } });
    expect([r.status, r.json()]).toEqual([400, { detail: 'Inactive user' }]);
  });

  test('/users/me is matched before /users/{user_id}', async () => {
    const r = await client.get('/users/me');
    expect(r.status).toBe(401); // not 422 for "me" as an integer id
  });
});

describe('one database session per request', () => {
  test('every request closes its session, also when the handler raised', async () => {
    await register(client, 'a@example.com');
    await client.get('/users/99');
    await client.get('/users/me', { headers: { Authorization: 'Bearer x' } });
    await register(client, 'a@example.com');
    expect(engine.openSessions).toBe(0);
  });
});
