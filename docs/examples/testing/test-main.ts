// A Jest test file for testing/main.ts (docs/test/testing.test.ts runs it).
import { TestClient } from 'starlette-ts';
import { app, currentUser } from './main';

const client = new TestClient(app);

test('reads the current user', async () => {
  const response = await client.get('/me', { headers: { authorization: 'Bearer secret' } });
  expect(response.status).toBe(200);
  expect(response.json()).toEqual({ message: 'Hello, Rick' });
});

test('answers 401 without credentials', async () => {
  const response = await client.get('/me', { headers: { authorization: 'Bearer wrong' } });
  expect(response.status).toBe(401);
  expect(response.json()).toEqual({ detail: 'Not authenticated' });
});

describe('with the user dependency overridden', () => {
  beforeEach(() => app.dependencyOverrides.set(currentUser, () => ({ name: 'Morty' })));
  afterEach(() => app.dependencyOverrides.clear());

  test('the override is used, and the real one (which needs a header) is not', async () => {
    const response = await client.get('/me', { params: { greeting: 'Hi' } });
    expect(response.json()).toEqual({ message: 'Hi, Morty' });
  });
});
