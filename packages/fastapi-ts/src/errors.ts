/**
 * The errors fastapi-ts raises, each with a stable `code`. HTTP-facing
 * exceptions (`HTTPException`, `WebSocketException`) live in `exceptions.ts`
 * because they extend Starlette's.
 */
import type { ErrorDict } from './internal/validation-errors';

export type { ErrorDict };

/** The base of every fastapi-ts error (FastAPI's `FastAPIError`). */
export class FastAPIError extends Error {
  /** A stable, machine-readable identifier of the failure. */
  readonly code: string;
  constructor(message: string, code = 'fastapi_error') {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A route, parameter or dependency declaration that cannot work; raised at start-up. */
export class DeclarationError extends FastAPIError {
  constructor(message: string) {
    super(message, 'invalid_declaration');
  }
}

/** Validation of a model failed (pydantic's `ValidationError`); `errors` holds pydantic-style dicts. */
export class ValidationError extends FastAPIError {
  readonly errors: ErrorDict[];
  constructor(title: string, errors: ErrorDict[], code = 'validation_error') {
    super(`${errors.length} validation error${errors.length === 1 ? '' : 's'} for ${title}\n${formatErrors(errors)}`, code);
    this.errors = errors;
  }
}

function formatErrors(errors: ErrorDict[]): string {
  return errors.map((e) => `${e.loc.join('.') || '(root)'}\n  ${e.msg} [type=${e.type}, input=${safeJson(e.input)}]`).join('\n');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The request did not validate: answered with 422 `{"detail": errors}` by the default handler. */
export class RequestValidationError extends ValidationError {
  /** The body as received (parsed JSON, or the raw text), for custom handlers (FastAPI's `exc.body`). */
  readonly body: unknown;
  constructor(errors: ErrorDict[], body?: unknown) {
    super('request', errors, 'request_validation');
    this.body = body;
  }
}

/** A WebSocket's parameters did not validate: the connection is closed with 1008. */
export class WebSocketRequestValidationError extends ValidationError {
  constructor(errors: ErrorDict[]) {
    super('websocket', errors, 'websocket_request_validation');
  }
}

/**
 * The handler's return value does not match its response model. A server
 * error (500): the value is never sent. The message names the failing path.
 */
export class ResponseValidationError extends ValidationError {
  readonly body: unknown;
  constructor(errors: ErrorDict[], body?: unknown, endpoint?: string) {
    super(endpoint ? `response of ${endpoint}` : 'response', errors, 'response_validation');
    this.body = body;
  }
}

/**
 * A dependency with `yield` caught the error of the request and did not
 * throw it again, so no response exists (FastAPI raises the same error).
 */
export class DependencySwallowedError extends FastAPIError {
  constructor(dependency: string) {
    super(
      `No response object was returned: the dependency with yield "${dependency}" caught an error of the request ` +
        'and did not throw it again (or threw nothing). Re-throw the error, or throw an HTTPException, in its catch block.',
      'dependency_swallowed_error',
    );
  }
}

/** A generator dependency yielded more than once. */
export class DependencyYieldError extends FastAPIError {
  constructor(dependency: string) {
    super(`The dependency "${dependency}" yielded more than once: a dependency with yield must yield exactly one value`, 'dependency_yield');
  }
}
