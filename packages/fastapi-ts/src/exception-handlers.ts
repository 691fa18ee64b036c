/**
 * FastAPI's default exception handlers (`fastapi/exception_handlers.py`).
 * Override them with `new FastAPI({ exceptionHandlers })` or
 * `app.exceptionHandler(RequestValidationError, handler)`; call them from an
 * override to keep the default answer.
 */
import { HTTPException as StarletteHTTPException, JSONResponse, Response, WebSocket, type HTTPConnection, type Request } from 'starlette-ts';
import { jsonableEncoder } from './encoders';
import type { RequestValidationError, WebSocketRequestValidationError } from './errors';

/** True when a response with this status may carry a body (RFC 9110: not 1xx, 204, 205, 304). */
export function isBodyAllowedForStatusCode(status: number | undefined): boolean {
  if (status === undefined) return true;
  return !(status < 200 || status === 204 || status === 205 || status === 304);
}

/** `{"detail": exc.detail}` with the exception's status and headers (no body for 204/304). */
export function httpExceptionHandler(_request: Request | HTTPConnection, exc: StarletteHTTPException): Response {
  const headers = exc.headers ?? null;
  if (!isBodyAllowedForStatusCode(exc.statusCode)) return new Response(null, { status: exc.statusCode, headers });
  return new JSONResponse({ detail: jsonableEncoder(exc.detail) }, { status: exc.statusCode, headers });
}

/** 422 `{"detail": [errors]}`. */
export function requestValidationExceptionHandler(_request: Request | HTTPConnection, exc: RequestValidationError): Response {
  return new JSONResponse({ detail: jsonableEncoder(exc.errors) }, { status: 422 });
}

/** Closes the WebSocket with 1008 (policy violation), the errors as JSON in the reason when they fit. */
export async function websocketRequestValidationExceptionHandler(websocket: WebSocket, exc: WebSocketRequestValidationError): Promise<void> {
  const text = JSON.stringify(jsonableEncoder(exc.errors));
  // RFC 6455 section 5.5: a control frame's payload is at most 125 bytes, 2 of them the code.
  const reason = Buffer.byteLength(text) <= 123 ? text : 'Request validation failed';
  await websocket.close(1008, reason);
}
