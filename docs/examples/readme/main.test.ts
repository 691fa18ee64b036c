import { TestClient } from 'fastapi-ts';
import { app } from './main';

const client = new TestClient(app);

test('an item is created, read back without the unset fields, and a bad id is a 422', async () => {
  const created = await client.post('/items/', { json: { name: 'Hammer', price: 9.5 } });
  expect(created.status).toBe(201);
  expect(created.json()).toEqual({ name: 'Hammer', price: 9.5, description: null, tags: [] });

  const read = await client.get('/items/1');
  expect(read.json()).toEqual({ name: 'Hammer', price: 9.5 });

  const bad = await client.get('/items/one');
  expect(bad.status).toBe(422);
  expect(bad.json<{ detail: unknown[] }>().detail[0]).toMatchObject({ type: 'int_parsing', loc: ['path', 'item_id'] });
});
