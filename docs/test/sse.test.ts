import { TestClient } from 'starlette-ts';
import { app } from '../examples/sse/main';

const client = new TestClient(app);

test('events with their type and id', async () => {
  const response = await client.get('/deployments/events');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.text).toBe(
    'id: 0\r\nevent: status\r\ndata: build started\r\n\r\n' +
      'id: 1\r\nevent: status\r\ndata: tests passed\r\n\r\n' +
      'id: 2\r\nevent: status\r\ndata: deployed\r\n\r\n',
  );
});

test('a reconnecting client continues after Last-Event-ID', async () => {
  const response = await client.get('/deployments/events', { headers: { 'last-event-id': '1' } });
  expect(response.text).toBe('id: 2\r\nevent: status\r\ndata: deployed\r\n\r\n');
});
