// Shared assertions and app builders of the security tests.
import type { TestClient } from 'starlette-ts';
import { FastAPI, Security, type Decl } from '../../src';

type Client = TestClient;
type Response = Awaited<ReturnType<Client['get']>>;

/** Status, JSON body and `WWW-Authenticate` of a response, for one exact assertion. */
export function answer(response: Response): [number, unknown, string | null] {
  return [response.statusCode, response.json(), response.headers.get('www-authenticate') ?? null];
}

/** The basic credentials header: `Basic base64(user:password)`. */
export function basic(userPass: string | Uint8Array): string {
  return `Basic ${Buffer.from(userPass).toString('base64')}`;
}

/**
 * An app with `GET /users/me` answering what the scheme gave (or a message
 * when it gave undefined), like the FastAPI tests' apps.
 */
export function appWith(scheme: unknown, wrap?: (scheme: unknown) => Decl<unknown>): FastAPI {
  const app = new FastAPI();
  app.get('/users/me', { params: { credentials: wrap ? wrap(scheme) : Security(scheme) } }, function read_current_user({ credentials }) {
    return credentials === undefined ? { msg: 'Create an account first' } : credentials;
  });
  return app;
}
