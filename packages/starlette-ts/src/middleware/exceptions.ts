/**
 * ExceptionMiddleware, as Starlette's: the innermost middleware. It publishes the
 * handler tables in the scope so each route turns handled errors into responses,
 * and answers HTTPException / WebSocketException by default.
 */
import type { ASGIApp, Receive, Scope, Send } from 'asgi-core';
import { ASGIObject } from '../asgi';
import { HTTPException, WebSocketException } from '../exceptions';
import { type ExceptionHandler, HANDLERS_KEY, type HandlerTables, runHandlingExceptions } from '../internal/exception-handler';
import { Request } from '../requests';
import { PlainTextResponse, Response } from '../responses';
import { WebSocket } from '../websockets';

export type { ExceptionHandler } from '../internal/exception-handler';

/** An error class a handler can be registered for. */
export type ErrorClass = abstract new (...args: any[]) => unknown;
/** Where handlers are keyed: an HTTP status code or an error class. */
export type ExceptionHandlerKey = number | ErrorClass;
/** Handlers as a Map, a list of pairs, or a record keyed by status code. */
export type ExceptionHandlers =
  | Map<ExceptionHandlerKey, ExceptionHandler>
  | Iterable<readonly [ExceptionHandlerKey, ExceptionHandler]>
  | Record<number, ExceptionHandler>;

/** Normalises any {@link ExceptionHandlers} form into `[key, handler]` pairs. */
export function handlerEntries(handlers: ExceptionHandlers | undefined): [ExceptionHandlerKey, ExceptionHandler][] {
  if (handlers === undefined) return [];
  if (Symbol.iterator in (handlers as object)) {
    return [...(handlers as Iterable<readonly [ExceptionHandlerKey, ExceptionHandler]>)].map(([k, v]) => [k, v]);
  }
  return Object.entries(handlers as Record<string, ExceptionHandler>).map(([key, handler]) => {
    const status = Number(key);
    if (!Number.isInteger(status)) throw new TypeError(`Exception handler keys must be status codes or error classes, got "${key}"`);
    return [status, handler];
  });
}

/** Options of {@link ExceptionMiddleware}. */
export interface ExceptionMiddlewareOptions {
  handlers?: ExceptionHandlers;
  debug?: boolean;
}

/** Default handling of HTTPException: plain-text detail and the exception's headers (no body for 204/304). */
export function httpExceptionHandler(_request: Request, exc: HTTPException): Response {
  if (exc.statusCode === 204 || exc.statusCode === 304) {
    return new Response(null, { status: exc.statusCode, headers: exc.headers });
  }
  return new PlainTextResponse(exc.detail, { status: exc.statusCode, headers: exc.headers });
}

/** Default handling of WebSocketException: close with its code and reason. */
export async function websocketExceptionHandler(websocket: WebSocket, exc: WebSocketException): Promise<void> {
  await websocket.close(exc.code, exc.reason);
}

/**
 * Turns errors raised by routes into responses via handlers keyed by status code or
 * error class (looked up along the prototype chain).
 */
export class ExceptionMiddleware extends ASGIObject {
  /** The wrapped app. */
  readonly app: ASGIApp;
  /** Whether the app runs in debug mode. */
  readonly debug: boolean;
  /** The handlers by class and by status (read by a ServerErrorMiddleware directly outside, see its `call`). */
  readonly tables: HandlerTables;

  constructor(app: ASGIApp, options: ExceptionMiddlewareOptions = {}) {
    super();
    this.app = app;
    this.debug = options.debug ?? false;
    this.tables = {
      byClass: new Map<Function, ExceptionHandler>([
        [HTTPException, httpExceptionHandler],
        [WebSocketException, websocketExceptionHandler],
      ]),
      byStatus: new Map(),
    };
    for (const [key, handler] of handlerEntries(options.handlers)) this.addExceptionHandler(key, handler);
  }

  /** Registers `handler` for a status code or an error class. */
  addExceptionHandler(key: ExceptionHandlerKey, handler: ExceptionHandler): void {
    if (typeof key === 'number') this.tables.byStatus.set(key, handler);
    else if (typeof key === 'function') this.tables.byClass.set(key, handler);
    else throw new TypeError('Exception handler keys must be status codes or error classes');
  }

  call(scope: Scope, receive: Receive, send: Send): Promise<void> {
    if (scope.type !== 'http' && scope.type !== 'websocket') return this.app(scope, receive, send);
    scope[HANDLERS_KEY] = this.tables;
    // The handlers' Request is built only when an error reaches them (Starlette builds it up front).
    return runHandlingExceptions(this.app, null, scope, receive, send);
  }
}
