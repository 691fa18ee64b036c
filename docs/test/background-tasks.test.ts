import { TestClient } from 'starlette-ts';
import { app, sent } from '../examples/background-tasks/main';

test('the task runs after the response', async () => {
  const response = await new TestClient(app).post('/send-notification/rick@example.com');
  expect(response.json()).toEqual({ message: 'Notification sent in the background' });
  expect(sent).toEqual(['notification for rick@example.com: some notification']);
});

test('an invalid email is refused before any task is added', async () => {
  sent.length = 0;
  const response = await new TestClient(app).post('/send-notification/not-an-email');
  expect(response.status).toBe(422);
  expect(sent).toEqual([]);
});
