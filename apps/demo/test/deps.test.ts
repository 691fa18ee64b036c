// The seed's dependency examples under /deps.
import type { TestClient } from 'starlette-ts';
import { cleanupLog } from '../src/controllers/deps';
import { missing, startClient } from './helpers';

let client: TestClient;

beforeAll(async () => {
  ({ client } = await startClient());
});

afterAll(async () => {
  await client.close();
});

describe('function and class dependencies', () => {
  test.each(['/deps/items/', '/deps/class-items/'])('%s gives q, skip, limit with their defaults (q null)', async (path) => {
    const r = await client.get(path);
    expect([r.status, r.json()]).toEqual([200, { q: null, skip: 0, limit: 100 }]);
  });

  test.each(['/deps/items/', '/deps/class-items/'])('%s reads them from the query', async (path) => {
    const r = await client.get(path, { params: { q: 'foo', skip: 1, limit: 2 } });
    expect([r.status, r.json()]).toEqual([200, { q: 'foo', skip: 1, limit: 2 }]);
  });

  test.each(['/deps/items/', '/deps/class-items/'])('%s validates them (422)', async (path) => {
    const r = await client.get(path, { params: { skip: 'x', limit: '1.5' } });
    expect([r.status, r.json()]).toEqual([
      422,
      {
        detail: [
          { type: 'int_parsing', loc: ['query', 'skip'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'x' },
          { type: 'int_parsing', loc: ['query', 'limit'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: '1.5' },
        ],
      },
    ]);
  });
});

describe('GET /deps/query-or-cookie/ (a sub-dependency)', () => {
  test.each([
    ['the query wins', '?q=foo', { last_query: 'bar' }, 'foo'],
    ['the cookie when there is no query', '', { last_query: 'bar' }, 'bar'],
    ['the query without a cookie', '?q=foo', {}, 'foo'],
    ['null when neither', '', {}, null],
    ['an empty q falls back to the cookie', '?q=', { last_query: 'bar' }, 'bar'],
  ])('%s', async (_name, query, cookies, expected) => {
    const r = await client.get(`/deps/query-or-cookie/${query}`, { cookies });
    expect([r.status, r.json()]).toEqual([200, { q_or_cookie: expected }]);
  });
});

describe('GET /deps/verified-items/ (route dependencies)', () => {
  const token = 'fake-super-secret-token';
  const key = 'fake-super-secret-key';

  test('both headers right', async () => {
    const r = await client.get('/deps/verified-items/', { headers: { 'X-Token': token, 'X-Key': key } });
    expect([r.status, r.json()]).toEqual([200, [{ item: 'Foo' }, { item: 'Bar' }]]);
  });

  test('a wrong X-Token is 400 "X-Token header invalid"', async () => {
    const r = await client.get('/deps/verified-items/', { headers: { 'X-Token': 'invalid', 'X-Key': key } });
    expect([r.status, r.json()]).toEqual([400, { detail: 'X-Token header invalid' }]);
  });

  test('a wrong X-Key is 400 "X-Key header invalid"', async () => {
    const r = await client.get('/deps/verified-items/', { headers: { 'X-Token': token, 'X-Key': 'invalid' } });
    expect([r.status, r.json()]).toEqual([400, { detail: 'X-Key header invalid' }]);
  });

  test('both wrong: the first dependency answers', async () => {
    const r = await client.get('/deps/verified-items/', { headers: { 'X-Token': 'invalid', 'X-Key': 'invalid' } });
    expect([r.status, r.json()]).toEqual([400, { detail: 'X-Token header invalid' }]);
  });

  test('missing headers are 422, both reported', async () => {
    const r = await client.get('/deps/verified-items/');
    expect([r.status, r.json()]).toEqual([422, { detail: [missing(['header', 'x-token']), missing(['header', 'x-key'])] }]);
  });

  test('a missing X-Key alone', async () => {
    const r = await client.get('/deps/verified-items/', { headers: { 'X-Token': token } });
    expect([r.status, r.json()]).toEqual([422, { detail: [missing(['header', 'x-key'])] }]);
  });
});

describe('GET /deps/query-checker/ (a callable instance)', () => {
  test.each([
    ['', false],
    ['?q=', false],
    ['?q=foo', false],
    ['?q=bar', true],
    ['?q=foobarbaz', true],
  ])('%s -> %s', async (query, expected) => {
    const r = await client.get(`/deps/query-checker/${query}`);
    expect([r.status, r.json()]).toEqual([200, { fixed_content_in_query: expected }]);
  });
});

describe('dependencies with yield', () => {
  beforeEach(() => {
    cleanupLog.length = 0;
  });

  test('the handler runs between "opened" and "closed"', async () => {
    const r = await client.get('/deps/yield/');
    expect([r.status, r.json()]).toEqual([200, { resource: 'resource', log: ['opened'] }]);
    expect(cleanupLog).toEqual(['opened', 'closed']);
  });

  test('"closed" is logged also when the handler raises (418)', async () => {
    const r = await client.get('/deps/yield-error/');
    expect([r.status, r.json()]).toEqual([418, { detail: 'handler failed' }]);
    expect(cleanupLog).toEqual(['opened', 'closed']);
  });

  test('GET /deps/cleanup-log/ returns the log', async () => {
    await client.get('/deps/yield/');
    await client.get('/deps/yield-error/');
    const r = await client.get('/deps/cleanup-log/');
    expect([r.status, r.json()]).toEqual([200, ['opened', 'closed', 'opened', 'closed']]);
  });
});
