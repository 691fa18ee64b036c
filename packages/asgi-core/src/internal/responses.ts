/**
 * Responses the server writes itself, never reaching the app: 400/431/408 for
 * requests node's parser rejects, 408 for bodies below the minimum data rate,
 * and 503 beyond `limitConcurrency`.
 */
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { InvalidMessageError } from '../errors';
import type { Logger } from '../logging';
import type { ASGIApp } from '../types';

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'Request header fields too large.'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'Request timeout.'],
};
const BAD_REQUEST: [number, string, string] = [400, 'Bad Request', 'Invalid HTTP request received.'];

/**
 * Answers a request node's HTTP parser rejected (node's `clientError`): a
 * complete `HTTP/1.1 4xx` response with a short text body, then the
 * connection is closed. Nothing is written over a response already under way.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex, logger: Logger): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, phrase, message] = CLIENT_ERRORS[error.code ?? ''] ?? BAD_REQUEST;
  if (status === 400) logger.warning('Invalid HTTP request received.');
  else if (status === 431) logger.warning('Request header fields too large.');
  const body = Buffer.from(message);
  socket.end(
    `HTTP/1.1 ${status} ${phrase}\r\n` +
      'content-type: text/plain; charset=utf-8\r\n' +
      `content-length: ${body.length}\r\n` +
      'connection: close\r\n\r\n' +
      message,
  );
  socket.once('finish', () => socket.destroy());
}

/** Answers a request rejected after node parsed its head (no Host, bad framing) with the 400 of {@link answerClientError}. */
export function rejectBadRequest(res: ServerResponse): void {
  writeRejection(res, BAD_REQUEST);
}

/** Answers a request whose body arrived too slowly with the 408 of {@link answerClientError}, then closes. */
export function rejectRequestTimeout(res: ServerResponse): void {
  writeRejection(res, CLIENT_ERRORS.ERR_HTTP_REQUEST_TIMEOUT);
}

function writeRejection(res: ServerResponse, [status, phrase, message]: [number, string, string]): void {
  res.shouldKeepAlive = false;
  res.sendDate = false;
  res.writeHead(status, phrase, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(message.length), connection: 'close' });
  res.end(message);
}

const UNAVAILABLE_BODY = Buffer.from('Service Unavailable');

/** The app run instead of the user's when the concurrency limit is exceeded (uvicorn's `service_unavailable`). */
export const serviceUnavailable: ASGIApp = async (_scope, _receive, send) => {
  await send({
    type: 'http.response.start',
    status: 503,
    headers: [
      ['content-type', 'text/plain; charset=utf-8'],
      ['content-length', '19'],
      ['connection', 'close'],
    ],
  });
  await send({ type: 'http.response.body', body: UNAVAILABLE_BODY, more_body: false });
};

/** The 500 the server sends when the app fails before starting its response (as uvicorn). */
export const INTERNAL_ERROR_HEADERS = ['content-type', 'text/plain; charset=utf-8', 'content-length', '21', 'connection', 'close'];
/** Body of that 500. */
export const INTERNAL_ERROR_BODY = Buffer.from('Internal Server Error');

/** Statuses that never carry a body (RFC 9110 sections 15.2, 15.3.5, 15.4.5). */
export function bodiless(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

/** A header name/value given as bytes (or a number value) as the contract's latin-1 string. */
export function latin1(value: unknown, what: 'name' | 'value'): string {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1');
  if (typeof value === 'number' && what === 'value') return String(value);
  throw new InvalidMessageError(`Response header ${what} must be a latin-1 string, got ${typeof value}.`);
}
