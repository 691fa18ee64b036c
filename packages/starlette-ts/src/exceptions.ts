/**
 * The exceptions user code raises to produce an HTTP error response or close a
 * WebSocket, as Starlette's `starlette.exceptions`.
 */
import { STATUS_CODES } from 'node:http';
import { StarletteError } from './errors';

/**
 * Raise to answer with an HTTP error: the ExceptionMiddleware turns it into a
 * plain-text response with `detail` as body and `headers` added.
 *
 * @example
 * throw new HTTPException(404, 'Item not found');
 */
export class HTTPException extends StarletteError {
  /** The HTTP status code of the response. */
  readonly statusCode: number;
  /** The response body (default: the status phrase, "Not Found" for 404). */
  readonly detail: string;
  /** Extra response headers (`WWW-Authenticate`, ...). */
  readonly headers: Record<string, string> | undefined;

  constructor(statusCode: number, detail?: string | null, headers?: Record<string, string> | null) {
    const text = detail ?? STATUS_CODES[statusCode] ?? '';
    super('HTTP_EXCEPTION', `${statusCode}: ${text}`);
    this.statusCode = statusCode;
    this.detail = text;
    this.headers = headers ?? undefined;
  }

  override toString(): string {
    return `${this.statusCode}: ${this.detail}`;
  }
}

/**
 * Raise inside a WebSocket endpoint to close the connection with `code` and `reason`
 * (RFC 6455 section 7.4 close codes). Like Starlette's, its `code` is the close code.
 *
 * @example
 * throw new WebSocketException(1008, 'Invalid token');
 */
export class WebSocketException extends Error {
  /** The WebSocket close code. */
  readonly code: number;
  /** The close reason sent to the client. */
  readonly reason: string;

  constructor(code: number, reason?: string | null) {
    super(`${code}: ${reason ?? ''}`);
    this.name = 'WebSocketException';
    this.code = code;
    this.reason = reason ?? '';
  }
}
