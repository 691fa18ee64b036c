import { TestClient } from 'starlette-ts';
import { app } from '../examples/sql/main';

const client = new TestClient(app);

test('create, read, list and delete heroes; the secret name stays in the database', async () => {
  const created = await client.post('/heroes/', { json: { name: 'Deadpond', age: 30, secret_name: 'Dive Wilson' } });
  expect([created.status, created.json()]).toEqual([200, { id: 1, name: 'Deadpond', age: 30 }]);
  await client.post('/heroes/', { json: { name: 'Spider-Boy', secret_name: 'Pedro Parqueador' } });
  expect((await client.get('/heroes/2')).json()).toEqual({ id: 2, name: 'Spider-Boy', age: null });
  expect((await client.get('/heroes/?offset=1')).json()).toEqual([{ id: 2, name: 'Spider-Boy', age: null }]);
  expect((await client.delete('/heroes/1')).json()).toEqual({ ok: true });
  const gone = await client.get('/heroes/1');
  expect([gone.status, gone.json()]).toEqual([404, { detail: 'Hero not found' }]);
  expect((await client.delete('/heroes/1')).status).toBe(404);
});

test('validation happens before any SQL runs', async () => {
  const response = await client.post('/heroes/', { json: { name: '', secret_name: 'x' } });
  expect(response.status).toBe(422);
  expect(response.json<any>().detail[0]).toMatchObject({ type: 'string_too_short', loc: ['body', 'name'] });
  expect((await client.get('/heroes/?limit=0')).status).toBe(422);
});
