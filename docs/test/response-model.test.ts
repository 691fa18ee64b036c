import { TestClient } from 'starlette-ts';
import { app } from '../examples/response-model/main';

const client = new TestClient(app);

test('the response model filters out the password', async () => {
  const response = await client.post('/user/', { json: { username: 'rick', password: 'portal', email: 'rick@example.com' } });
  expect(response.json()).toEqual({ username: 'rick', email: 'rick@example.com', full_name: null });
});

test('exclude-unset returns only what the data has', async () => {
  expect((await client.get('/items/foo')).json()).toEqual({ name: 'Foo', price: 50.2 });
  expect((await client.get('/items/bar')).json()).toEqual({ name: 'Bar', description: 'The bartenders', price: 62, tax: 20.2 });
  expect((await client.get('/items/baz')).json()).toEqual({ name: 'Baz', description: null, price: 50.2, tax: 10.5, tags: [] });
});

test('include and exclude', async () => {
  expect((await client.get('/items/bar/name')).json()).toEqual({ name: 'Bar', description: 'The bartenders' });
  expect((await client.get('/items/bar/public')).json()).toEqual({ name: 'Bar', description: 'The bartenders', price: 62, tags: [] });
});

test('data that does not fit the response model is a server error, never sent', async () => {
  const quiet = new TestClient(app, { raiseServerExceptions: false });
  const response = await quiet.get('/items/nope');
  expect([response.status, response.text]).toEqual([500, 'Internal Server Error']);
});
