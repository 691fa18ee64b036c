// Lifespan in tests: `start()` runs startup, `close()` runs shutdown.
import { TestClient } from 'starlette-ts';
import { app, events } from './main';

test('the lifespan runs around the requests', async () => {
  const client = new TestClient(app);
  await client.start();
  try {
    expect(events).toEqual(['load the model']);
    const response = await client.get('/price/apple');
    expect(response.json()).toEqual({ fruit: 'apple', price: 1.2 });
  } finally {
    await client.close();
  }
  expect(events).toEqual(['load the model', 'release the model']);
});
