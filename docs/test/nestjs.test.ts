import { TestClient } from 'starlette-ts';
import { app } from '../examples/nestjs/main';

test('a NestJS-style controller and provider', async () => {
  const client = new TestClient(app);
  const created = await client.post('/cats/', { json: { name: 'Tom', age: 3 } });
  expect([created.status, created.json()]).toEqual([201, { id: 1, name: 'Tom', age: 3 }]);
  expect((await client.get('/cats/1')).json()).toEqual({ id: 1, name: 'Tom', age: 3 });
  expect((await client.get('/cats/2')).status).toBe(404);
  const invalid = await client.post('/cats/', { json: { name: 'Tom', age: 1.5 } });
  expect([invalid.status, invalid.json<any>().detail[0].type]).toEqual([422, 'int_from_float']);
  expect(Object.keys((await client.get('/openapi.json')).json<any>().paths)).toEqual(['/cats/', '/cats/{id}']);
});
