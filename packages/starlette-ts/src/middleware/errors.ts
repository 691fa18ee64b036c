/**
 * ServerErrorMiddleware, as Starlette's: the outermost middleware. An unhandled error
 * becomes a 500 (a plain "Internal Server Error", a handler's response, or a debug page
 * with the stack) when the response has not started; it is then re-raised so the
 * server logs it.
 */
import { ACCEPTS_TEXT, type ASGIApp, type MarkableSend, type Receive, type Scope, type Send, type SendMessage } from 'asgi-core';
import { ASGIObject } from '../asgi';
import type { ExceptionHandler } from '../internal/exception-handler';
import { callApp, handleException, HANDLERS_KEY, sendHandlerResult } from '../internal/exception-handler';
import { Request } from '../requests';
import { HTMLResponse, PlainTextResponse, type Response } from '../responses';
import { ExceptionMiddleware } from './exceptions';

/** Options of {@link ServerErrorMiddleware}. */
export interface ServerErrorMiddlewareOptions {
  /** Custom 500 handler `(request, error) => Response` (registered for 500 or Error on the app). */
  handler?: ExceptionHandler | null;
  /** Answer with the stack (HTML for browsers, text otherwise). */
  debug?: boolean;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
}

function describe(error: unknown): { title: string; stack: string } {
  if (error instanceof Error) return { title: `${error.name}: ${error.message}`, stack: error.stack ?? `${error.name}: ${error.message}` };
  return { title: `Non-error thrown: ${String(error)}`, stack: String(error) };
}

/**
 * The outermost middleware: catches everything the app did not handle.
 */
export class ServerErrorMiddleware extends ASGIObject {
  /** The wrapped app. */
  readonly app: ASGIApp;
  /** Whether debug pages are on. */
  readonly debug: boolean;
  /** The custom 500 handler, if any. */
  readonly handler: ExceptionHandler | null;
  /** The app when it is an ExceptionMiddleware (exactly that class): the usual stack, with no user middleware between. */
  private readonly exceptions: ExceptionMiddleware | null;

  constructor(app: ASGIApp, options: ServerErrorMiddlewareOptions = {}) {
    super();
    this.app = app;
    this.debug = options.debug ?? false;
    this.handler = options.handler ?? null;
    this.exceptions = Object.getPrototypeOf(app) === ExceptionMiddleware.prototype ? (app as ExceptionMiddleware) : null;
  }

  /** Not `async`: the app's promise gets a rejection handler, which costs a third of an async frame. */
  call(scope: Scope, receive: Receive, send: Send): Promise<void> {
    if (scope.type !== 'http') return this.app(scope, receive, send);
    let started = false;
    const sender: MarkableSend = (message: SendMessage): Promise<void> => {
      // asgi-core's `http.response.text` may be the whole response, start included.
      if (message.type === 'http.response.start' || message.type === 'http.response.text') started = true;
      return send(message);
    };
    const exceptions = this.exceptions;
    if (exceptions === null) {
      return callApp(this.app, scope, receive, sender).then(undefined, (error: unknown) => this.answerError(error, started, scope, receive, send));
    }
    // The ExceptionMiddleware directly inside does its work here, as its own `call` would: it publishes its
    // handlers, and an error first goes to them, on this send wrapper. Both layers track the same messages, so
    // one wrapper and one rejection handler serve both (docs/architecture.md, "Performance decisions").
    const tables = exceptions.tables;
    scope[HANDLERS_KEY] = tables;
    // No middleware between here and the routes: the server's text bodies (asgi-core's `http.response.text`) pass through.
    if ((send as MarkableSend)[ACCEPTS_TEXT] === true) sender[ACCEPTS_TEXT] = true;
    return callApp(exceptions.app, scope, receive, sender).then(undefined, (exc: unknown) =>
      handleException(exc, tables, started, null, scope, receive, sender).then(undefined, (error: unknown) =>
        this.answerError(error, started, scope, receive, send),
      ),
    );
  }

  /** Sends the 500 when the response has not started, then re-raises so the server (and TestClient) see it, as Starlette does. */
  private async answerError(error: unknown, started: boolean, scope: Scope, receive: Receive, send: Send): Promise<never> {
    if (!started) {
      const request = new Request(scope);
      if (this.debug) await this.debugResponse(request, error)(scope, receive, send);
      else if (this.handler === null) await this.errorResponse(request, error)(scope, receive, send);
      else await sendHandlerResult(await this.handler(request, error), scope, receive, send);
    }
    throw error;
  }

  /** The debug response: an HTML page for browsers (Accept: text/html), the stack as text otherwise. */
  debugResponse(request: Request, error: unknown): Response {
    const { title, stack } = describe(error);
    if ((request.headers.get('accept') ?? '').includes('text/html')) {
      const html =
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Starlette Debugger</title>' +
        '<style>body{font-family:system-ui,sans-serif;margin:2em}pre{background:#f6f6f6;padding:1em;overflow:auto}</style>' +
        `</head><body><h1>500 Server Error</h1><h2>${escapeHtml(title)}</h2>` +
        `<div class="traceback"><p class="title">Traceback</p><pre>${escapeHtml(stack)}</pre></div></body></html>`;
      return new HTMLResponse(html, { status: 500 });
    }
    return new PlainTextResponse(stack, { status: 500 });
  }

  /** The production response: a plain "Internal Server Error". */
  errorResponse(_request: Request, _error: unknown): Response {
    return new PlainTextResponse('Internal Server Error', { status: 500 });
  }
}
