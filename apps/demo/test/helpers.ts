// Shared by the demo's tests: a fresh app on an in-memory database, started
// through its lifespan, and small helpers for users and tokens.
import { TestClient, type TestResponse } from 'starlette-ts';
import type { FastAPI } from 'fastapi-ts';
import { createApp } from '../src/main';
import type { Settings } from '../src/config';
import type { Engine } from '../src/db';

/** A started TestClient on a new app with an in-memory database (SSE without pauses, cheap password hashes). */
export async function startClient(overrides: Partial<Settings> = {}): Promise<{ app: FastAPI; client: TestClient; engine: Engine }> {
  const app = createApp({ database: ':memory:', sseIntervalMs: 0, secretKey: 'test-secret', scryptLogN: 10, ...overrides });
  const client = new TestClient(app);
  await client.start();
  return { app, client, engine: client.appState.engine as Engine };
}

/** Registers a user and returns the answer. */
export function register(client: TestClient, email: string, password = 'secret'): Promise<TestResponse> {
  return client.post('/users/', { json: { email, password } });
}

/** Logs in through `POST /token` and returns the bearer token. */
export async function login(client: TestClient, username: string, password = 'secret'): Promise<string> {
  const response = await client.post('/token', { data: { username, password } });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.text}`);
  return response.json<{ access_token: string }>().access_token;
}

/** The pydantic v2 error for a missing field. */
export function missing(loc: (string | number)[], input: unknown = null): Record<string, unknown> {
  return { type: 'missing', loc, msg: 'Field required', input };
}
