import { TestClient } from 'starlette-ts';
import { app } from '../examples/body/main';

const client = new TestClient(app);

test('a model body, defaults filled', async () => {
  const response = await client.post('/items/', { json: { name: 'Foo', price: 50.5 } });
  expect([response.status, response.json()]).toEqual([200, { name: 'Foo', description: null, price: 50.5, tax: null }]);
  expect((await client.post('/items/', { json: { name: 'Foo', price: 10, tax: 1.5 } })).json()).toEqual({
    name: 'Foo', description: null, price: 10, tax: 1.5, price_with_tax: 11.5,
  });
});

test('a wrong or missing body is a 422 that lists every error', async () => {
  const response = await client.post('/items/', { json: { price: 'cheap' } });
  expect(response.status).toBe(422);
  expect(response.json<any>().detail.map((e: { type: string; loc: unknown[] }) => [e.type, e.loc])).toEqual([
    ['missing', ['body', 'name']],
    ['float_parsing', ['body', 'price']],
  ]);
  const invalid = await client.post('/items/', { content: '{"name": ', headers: { 'content-type': 'application/json' } });
  expect(invalid.status).toBe(422);
  expect(invalid.json<any>().detail[0]).toMatchObject({ type: 'json_invalid', loc: ['body', 9] });
});

test('path, query and body together', async () => {
  expect((await client.put('/items/5?q=x', { json: { name: 'Bar', price: 1 } })).json()).toEqual({
    item_id: 5, name: 'Bar', description: null, price: 1, tax: null, q: 'x',
  });
});
