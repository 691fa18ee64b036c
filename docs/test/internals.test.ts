import { TestClient } from 'starlette-ts';
import { app as raw } from '../examples/internals/raw-asgi';
import { app as stacked, seen } from '../examples/internals/stack';

test('a raw ASGI function is an app', async () => {
  const response = await new TestClient(raw).post('/anything', { content: 'hello' });
  expect([response.status, response.text]).toEqual([200, 'POST /anything received 5 bytes']);
});

test('the stack: HTTPException is answered inside the user middleware, other errors outside it', async () => {
  const client = new TestClient(stacked, { raiseServerExceptions: false });
  const missing = await client.get('/missing');
  expect([missing.status, missing.json()]).toEqual([404, { detail: 'Nothing here' }]);
  expect(seen).toEqual(['user middleware saw 404']);
  const crash = await client.get('/crash');
  expect([crash.status, crash.text]).toEqual([500, 'Internal Server Error']);
  expect(seen).toEqual(['user middleware saw 404']); // the 500 was produced outside it
});
