import { TestClient } from 'starlette-ts';
import { app } from '../examples/websockets/main';

test('echoes JSON with the name from the query string', async () => {
  const client = new TestClient(app);
  const ws = await client.websocketConnect('/ws?name=rick');
  await ws.sendText('hello');
  expect(await ws.receiveJson()).toEqual({ from: 'rick', echo: 'hello' });
  await ws.sendText('again');
  expect(await ws.receiveJson()).toEqual({ from: 'rick', echo: 'again' });
  await ws.close();
});

test('the default name', async () => {
  const ws = await new TestClient(app).websocketConnect('/ws');
  await ws.sendText('hi');
  expect(await ws.receiveJson()).toEqual({ from: 'anonymous', echo: 'hi' });
  await ws.close();
});
