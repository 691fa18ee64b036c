/**
 * Every error asgi-core raises. Each has a stable `code` so callers can branch
 * on it without matching message text; messages say what was expected, what
 * arrived, and what to do.
 */

/** Base class of every asgi-core error; `code` is stable across releases. */
export class ASGICoreError extends Error {
  /** A stable, machine-readable identifier of the failure. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The app broke the ASGI message order (a message that is not valid in the connection's current state). */
export class ProtocolError extends ASGICoreError {}

/** `http.response.start` was sent a second time. */
export class ResponseAlreadyStartedError extends ProtocolError {
  constructor() {
    super('RESPONSE_ALREADY_STARTED', 'Response already started: cannot send http.response.start twice');
  }
}

/** A body, trailers or pathsend message was sent before `http.response.start`. */
export class ResponseNotStartedError extends ProtocolError {
  constructor(type: string) {
    super(
      'RESPONSE_NOT_STARTED',
      `Response not started: expected 'http.response.start' before '${type}'. Send the status and headers first.`,
    );
  }
}

/** A message was sent after the response (or the websocket) was already completed or closed. */
export class ResponseAlreadyCompletedError extends ProtocolError {
  constructor(type: string) {
    super(
      'RESPONSE_ALREADY_COMPLETED',
      `Unexpected ASGI message '${type}' sent after the response already completed.`,
    );
  }
}

/** A message type this connection does not accept (unknown, or belonging to another protocol). */
export class UnexpectedMessageError extends ProtocolError {
  constructor(type: unknown, expected: string) {
    super('UNEXPECTED_MESSAGE', `Unexpected ASGI message type '${String(type)}': expected ${expected}.`);
  }
}

/** A message has a field of the wrong type or value (status out of range, body not bytes, ...). */
export class InvalidMessageError extends ProtocolError {
  constructor(message: string) {
    super('INVALID_MESSAGE', message);
  }
}

/** A response header name or value contains characters HTTP forbids (RFC 9110 section 5). */
export class InvalidHeaderError extends ProtocolError {
  constructor(name: string, cause?: unknown) {
    super('INVALID_HEADER', `Invalid HTTP header ${JSON.stringify(name)}: names must be tokens and values must not contain control characters.`, { cause });
  }
}

/** More body bytes were sent than the declared `content-length`. */
export class ContentTooLongError extends ProtocolError {
  constructor(declared: number) {
    super('CONTENT_TOO_LONG', `Response content longer than Content-Length (${declared} bytes declared).`);
  }
}

/** The response completed with fewer body bytes than the declared `content-length`. */
export class ContentTooShortError extends ProtocolError {
  constructor(declared: number, missing: number) {
    super(
      'CONTENT_TOO_SHORT',
      `Response content shorter than Content-Length (${declared} bytes declared, ${missing} missing).`,
    );
  }
}

/** `send()` was called after the client went away (ASGI spec 2.4: the server raises an I/O error). */
export class ClientDisconnectedError extends ASGICoreError {
  constructor() {
    super('CLIENT_DISCONNECTED', 'Client disconnected: the message could not be sent.');
  }
}

/** The lifespan protocol was violated (for example `startup.complete` sent twice). */
export class LifespanProtocolError extends ProtocolError {
  constructor(message: string) {
    super('LIFESPAN_PROTOCOL', message);
  }
}

/** Application startup failed (lifespan `startup.failed`, or an exception with `lifespan: 'on'`). */
export class LifespanStartupError extends ASGICoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LIFESPAN_STARTUP_FAILED', message, options);
  }
}

/** The server could not listen on the requested address (port in use, permission denied, ...). */
export class BindError extends ASGICoreError {
  constructor(address: string, reason: string, options?: { cause?: unknown }) {
    super('BIND_FAILED', `Could not bind to ${address}: ${reason}`, options);
  }
}

/** The CLI could not load the app (missing file, missing export, not a function). */
export class AppLoadError extends ASGICoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('APP_LOAD_FAILED', `Error loading ASGI app. ${message}`, options);
  }
}

/** Invalid server options or command-line arguments. */
export class ConfigError extends ASGICoreError {
  constructor(message: string) {
    super('INVALID_CONFIG', message);
  }
}
