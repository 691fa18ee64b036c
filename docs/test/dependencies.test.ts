import { TestClient } from 'starlette-ts';
import * as functions from '../examples/dependencies/functions';
import * as classes from '../examples/dependencies/classes';
import * as sub from '../examples/dependencies/sub-dependencies';
import * as global from '../examples/dependencies/global';
import * as withYield from '../examples/dependencies/yield';

test('a function dependency shared by two path operations', async () => {
  const client = new TestClient(functions.app);
  expect((await client.get('/items/?q=foo&skip=5&limit=30')).json()).toEqual({ q: 'foo', skip: 5, limit: 30 });
  expect((await client.get('/users/')).json()).toEqual({ q: null, skip: 0, limit: 100, kind: 'users' });
  const bad = await client.get('/items/?limit=many');
  expect(bad.json<any>().detail[0]).toMatchObject({ type: 'int_parsing', loc: ['query', 'limit'] });
});

test('a class dependency', async () => {
  const client = new TestClient(classes.app);
  expect((await client.get('/items/?skip=1&limit=1')).json()).toEqual({ items: [{ item_name: 'Bar' }] });
  expect((await client.get('/items/?q=x&limit=1')).json()).toEqual({ q: 'x', items: [{ item_name: 'Foo' }] });
});

test('sub-dependencies', async () => {
  const client = new TestClient(sub.app);
  expect((await client.get('/items/?q=foo')).json()).toEqual({ q_or_cookie: 'foo' });
  expect((await client.get('/items/', { cookies: { last_query: 'from cookie' } })).json()).toEqual({ q_or_cookie: 'from cookie' });
  expect((await client.get('/items/')).json()).toEqual({ q_or_cookie: null });
});

describe('dependencies on the app, a router and a path operation', () => {
  const client = new TestClient(global.app);
  const token = { 'x-token': 'fake-super-secret-token' };
  const both = { ...token, 'x-key': 'fake-super-secret-key' };

  test('the app dependency guards everything', async () => {
    expect((await client.get('/public/', { headers: token })).json()).toEqual({ ok: true });
    const missing = await client.get('/public/');
    expect([missing.status, missing.json()]).toEqual([422, { detail: [{ type: 'missing', loc: ['header', 'x-token'], msg: 'Field required', input: null }] }]);
    const wrong = await client.get('/public/', { headers: { 'x-token': 'nope' } });
    expect([wrong.status, wrong.json()]).toEqual([400, { detail: 'X-Token header invalid' }]);
  });

  test('router and path operation dependencies add to it', async () => {
    expect((await client.get('/admin/stats', { headers: both })).json()).toEqual({ users: 2 });
    expect((await client.get('/items/', { headers: both })).json()).toEqual([{ item: 'Foo' }, { item: 'Bar' }]);
    const noKey = await client.get('/admin/stats', { headers: { ...token, 'x-key': 'wrong' } });
    expect([noKey.status, noKey.json()]).toEqual([400, { detail: 'X-Key header invalid' }]);
  });
});

describe('a dependency with yield', () => {
  const client = new TestClient(withYield.app, { raiseServerExceptions: false });
  beforeEach(() => (withYield.log.length = 0));

  test('the cleanup runs after a successful response', async () => {
    expect((await client.get('/items/portal-gun')).json()).toEqual({ item_id: 'portal-gun', owner: 'Rick' });
    expect(withYield.log).toEqual(['open', 'close']);
  });

  test('an error of the handler is thrown into the generator, which may turn it into an HTTP answer', async () => {
    const response = await client.get('/items/plumbus');
    expect([response.status, response.json()]).toEqual([403, { detail: 'Not the owner' }]);
    expect(withYield.log).toEqual(['open', 'rollback: plumbus belongs to Morty', 'close']);
  });

  test('an HTTPException of the handler passes through it too', async () => {
    const response = await client.get('/items/nope');
    expect([response.status, response.json()]).toEqual([404, { detail: 'Item not found' }]);
    expect(withYield.log).toEqual(['open', 'rollback: 404: Item not found', 'close']);
  });
});
