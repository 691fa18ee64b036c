import { TestClient } from 'starlette-ts';
import { app } from '../examples/query-params/main';

const client = new TestClient(app);

test('defaults and conversion', async () => {
  expect((await client.get('/items/')).json()).toEqual([{ item_name: 'Foo' }, { item_name: 'Bar' }, { item_name: 'Baz' }]);
  expect((await client.get('/items/?skip=1&limit=1')).json()).toEqual([{ item_name: 'Bar' }]);
  const bad = await client.get('/items/?skip=x');
  expect(bad.status).toBe(422);
  expect(bad.json<any>().detail[0]).toMatchObject({ type: 'int_parsing', loc: ['query', 'skip'], input: 'x' });
});

test('optional and boolean parameters', async () => {
  expect((await client.get('/items/foo')).json()).toEqual({ item_id: 'foo', description: 'This is an amazing item that has a long description' });
  expect((await client.get('/items/foo?q=bar&short=yes')).json()).toEqual({ item_id: 'foo', q: 'bar' });
  expect((await client.get('/items/foo?short=1')).json()).toEqual({ item_id: 'foo' });
  expect((await client.get('/items/foo?short=on')).json()).toEqual({ item_id: 'foo' });
  expect((await client.get('/items/foo?short=false')).json()).toEqual({ item_id: 'foo', description: 'This is an amazing item that has a long description' });
});

test('a required parameter with validations, and a list', async () => {
  const missing = await client.get('/search/');
  expect(missing.status).toBe(422);
  expect(missing.json()).toEqual({ detail: [{ type: 'missing', loc: ['query', 'needy'], msg: 'Field required', input: null }] });
  const short = await client.get('/search/?needy=ab');
  expect(short.json<any>().detail[0]).toMatchObject({ type: 'string_too_short', loc: ['query', 'needy'], input: 'ab' });
  expect((await client.get('/search/?needy=abc&tags=a&tags=b')).json()).toEqual({ needy: 'abc', tags: ['a', 'b'] });
});
