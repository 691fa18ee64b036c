/**
 * Every error starlette-ts raises on its own, each with a stable `code`.
 *
 * `HTTPException` and `WebSocketException` (the ones user code raises) live in
 * `exceptions.ts`; `WebSocketDisconnect` lives in `websockets.ts` because, as in
 * Starlette, its `code` is the WebSocket close code.
 */

/** Base class of starlette-ts errors; `code` is stable and safe to switch on. */
export class StarletteError extends Error {
  /** A stable, machine-readable identifier of the failure. */
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The client disconnected while the request body was being read. */
export class ClientDisconnect extends StarletteError {
  constructor(message = 'Client disconnected before the request body was fully received') {
    super('CLIENT_DISCONNECT', message);
  }
}

/** `request.stream()` was consumed already and the body was not cached (Starlette's "Stream consumed"). */
export class StreamConsumedError extends StarletteError {
  constructor() {
    super(
      'STREAM_CONSUMED',
      'Stream consumed: request.stream() can be iterated once; call request.body() before streaming to keep the body',
    );
  }
}

/** The request body is not valid JSON (raised by `request.json()`). */
export class JSONDecodeError extends StarletteError {
  constructor(detail: string, options?: ErrorOptions) {
    super('INVALID_JSON', `Request body is not valid JSON: ${detail}`, options);
  }
}

/** A value cannot be rendered as JSON (NaN/Infinity, as Python's allow_nan=False, or BigInt). */
export class JSONRenderError extends StarletteError {
  constructor(message: string, options?: ErrorOptions) {
    super('JSON_NOT_COMPLIANT', message, options);
  }
}

/** `urlFor`/`urlPathFor` found no route with that name and those parameters. */
export class NoMatchFound extends StarletteError {
  constructor(name: string, pathParams: Record<string, unknown>) {
    const params = Object.keys(pathParams).join(', ');
    super('NO_MATCH_FOUND', `No route exists for name "${name}" and params "${params}".`);
  }
}

/** A multipart or urlencoded form could not be parsed, or broke a limit (Starlette's MultiPartException). */
export class MultiPartException extends StarletteError {
  constructor(message: string) {
    super('MULTIPART', message);
  }
}

/** Middleware was added after the middleware stack was built. */
export class AppStartedError extends StarletteError {
  constructor() {
    super('APP_STARTED', 'Cannot add middleware after an application has started');
  }
}

/** A feature that needs a middleware was used without it (`request.session` without SessionMiddleware). */
export class MiddlewareNotInstalled extends StarletteError {
  constructor(message: string) {
    super('MIDDLEWARE_NOT_INSTALLED', message);
  }
}

/** A WebSocket method was called in a state where it is not allowed (send before accept, ...). */
export class WebSocketStateError extends StarletteError {
  constructor(message: string) {
    super('WEBSOCKET_STATE', message);
  }
}

/** A route path template is malformed (unknown convertor, duplicated parameter). */
export class RouteDefinitionError extends StarletteError {
  constructor(message: string) {
    super('ROUTE_DEFINITION', message);
  }
}

/** The lifespan protocol failed (startup or shutdown raised, or the server answered out of order). */
export class LifespanError extends StarletteError {
  constructor(message: string, options?: ErrorOptions) {
    super('LIFESPAN', message, options);
  }
}

/** A response was sent in a way the ASGI protocol forbids (twice, or body before start). */
export class ResponseProtocolError extends StarletteError {
  constructor(message: string, options?: ErrorOptions) {
    super('RESPONSE_PROTOCOL', message, options);
  }
}

/** A cookie name or attribute is not allowed (illegal key, bad `samesite`). */
export class CookieError extends StarletteError {
  constructor(message: string) {
    super('INVALID_COOKIE', message);
  }
}
