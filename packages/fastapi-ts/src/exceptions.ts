/**
 * FastAPI's HTTP-facing exceptions. `HTTPException` extends Starlette's (so
 * Starlette's middleware handles it too) but its `detail` may be any JSON
 * value, rendered as `{"detail": ...}` by the default handler.
 */
import { HTTPException as StarletteHTTPException, WebSocketException } from 'starlette-ts';

/**
 * Throw to answer with an HTTP error, from a handler, a dependency or a
 * dependency's cleanup (before the response started).
 *
 * @example
 * throw new HTTPException(404, 'Item not found');
 * throw new HTTPException(400, { code: 'bad_token' }, { 'X-Error': 'There goes my error' });
 */
export class HTTPException extends StarletteHTTPException {
  /** The JSON `detail` of the response body (default: the status phrase). */
  // `any` (not unknown) so the type stays compatible with Starlette's string detail.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  declare readonly detail: any;

  constructor(statusCode: number, detail?: unknown, headers?: Record<string, string> | null) {
    super(statusCode, typeof detail === 'string' || detail == null ? (detail as string | null | undefined) : JSON.stringify(detail), headers);
    if (detail != null) (this as { detail: unknown }).detail = detail;
  }
}

export { WebSocketException };
