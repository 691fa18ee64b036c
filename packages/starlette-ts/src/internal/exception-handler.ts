// Starlette's wrap_app_handling_exceptions: runs an endpoint and turns a raised error
// into the response of the registered handler (looked up by status, then along the
// error's prototype chain, as Python's MRO walk).
import type { ASGIApp, Receive, Scope, Send, SendMessage } from 'asgi-core';
import { toASGIApp } from '../asgi';
import { ResponseProtocolError } from '../errors';
import { HTTPException } from '../exceptions';
import { type HTTPConnection, Request } from '../requests';
import { WebSocket } from '../websockets';

/** An exception handler: returns the response to send (or nothing, for websockets). */
export type ExceptionHandler = (conn: any, exc: any) => unknown;

/** Handlers by error class, and by HTTP status code. */
export interface HandlerTables {
  byClass: Map<Function, ExceptionHandler>;
  byStatus: Map<number, ExceptionHandler>;
}

/** The scope key the ExceptionMiddleware stores its tables under. */
export const HANDLERS_KEY = 'starlette.exception_handlers';

/** The handler registered for the class of `exc` or its nearest ancestor. */
export function lookupHandler(byClass: Map<Function, ExceptionHandler>, exc: unknown): ExceptionHandler | undefined {
  if (exc === null || typeof exc !== 'object') return undefined;
  for (let cls = (exc as object).constructor; typeof cls === 'function' && cls !== Function.prototype; cls = Object.getPrototypeOf(cls)) {
    const handler = byClass.get(cls);
    if (handler !== undefined) return handler;
  }
  return undefined;
}

/** Sends whatever a handler returned: a Response (any ASGI app), or nothing. */
export async function sendHandlerResult(result: unknown, scope: Scope, receive: Receive, send: Send): Promise<void> {
  if (result === undefined || result === null) return;
  await toASGIApp(result as ASGIApp)(scope, receive, send);
}

/**
 * Runs `app`; errors with a registered handler become that handler's response. The handler's
 * connection is `conn`, or (when null) one built from the scope only if an error needs it.
 * Not `async`: the app's promise gets a rejection handler, which costs a third of an async frame.
 */
export function runHandlingExceptions(app: ASGIApp, conn: HTTPConnection | null, scope: Scope, receive: Receive, send: Send): Promise<void> {
  const tables = scope[HANDLERS_KEY] as HandlerTables | undefined;
  if (tables === undefined) return callApp(app, scope, receive, send);
  let started = false;
  const sender = (message: SendMessage): Promise<void> => {
    if (message.type === 'http.response.start') started = true;
    return send(message);
  };
  return callApp(app, scope, receive, sender).then(undefined, (exc: unknown) => handleException(exc, tables, started, conn, scope, receive, sender));
}

/** `app(...)` as a promise, also when it throws before returning one. */
export function callApp(app: ASGIApp, scope: Scope, receive: Receive, send: Send): Promise<void> {
  try {
    return Promise.resolve(app(scope, receive, send));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** The handler's response for `exc`, or `exc` again when no handler is registered for it. */
export async function handleException(exc: unknown, tables: HandlerTables, started: boolean, conn: HTTPConnection | null, scope: Scope, receive: Receive, send: Send): Promise<void> {
  let handler: ExceptionHandler | undefined;
  if (exc instanceof HTTPException) handler = tables.byStatus.get(exc.statusCode);
  handler ??= lookupHandler(tables.byClass, exc);
  if (handler === undefined) throw exc;
  if (started) {
    // Starlette raises `from exc`: the log must still show what was raised, and where.
    throw new ResponseProtocolError('Caught handled exception, but response already started.', { cause: exc });
  }
  let result: unknown;
  try {
    conn ??= scope.type === 'http' ? new Request(scope, receive, send) : new WebSocket(scope, receive, send);
    result = await handler(conn, exc);
  } catch (handlerError) {
    throw chainedTo(handlerError, exc);
  }
  await sendHandlerResult(result, scope, receive, send);
}

/**
 * A handler that throws while handling `exc` hides it; Python keeps it as the new
 * exception's `__context__`, so uvicorn's traceback shows both. Recording it as the
 * `cause` (when the handler's error has none) does the same for the server's log.
 */
function chainedTo(handlerError: unknown, exc: unknown): unknown {
  if (handlerError instanceof Error && handlerError !== exc && !Object.prototype.hasOwnProperty.call(handlerError, 'cause')) {
    // Non-enumerable, as `new Error(message, { cause })` defines it.
    Object.defineProperty(handlerError, 'cause', { value: exc, writable: true, configurable: true, enumerable: false });
  }
  return handlerError;
}
