/**
 * The application, as Starlette's `starlette.applications.Starlette`: a Router plus a
 * middleware stack built once, lazily, on the first call:
 * ServerErrorMiddleware -> user middleware -> ExceptionMiddleware -> router.
 */
import type { ASGIApp, Receive, Scope, Send } from 'asgi-core';
import { ASGIObject, type ASGIAppLike } from './asgi';
import { State } from './datastructures';
import { AppStartedError } from './errors';
import type { ExceptionHandler } from './internal/exception-handler';
import type { Lifespan } from './lifespan';
import { ServerErrorMiddleware } from './middleware/errors';
import {
  ExceptionMiddleware,
  type ExceptionHandlerKey,
  type ExceptionHandlers,
  handlerEntries,
} from './middleware/exceptions';
import { buildStack, Middleware, type MiddlewareClass, type MiddlewareFactory } from './middleware/index';
import { Router } from './router';
import type { BaseRoute, Endpoint, RouteOptions, WebSocketEndpoint } from './routing';
import type { URLPath } from './url';

/** Options of {@link Starlette}. */
export interface StarletteOptions<App = Starlette> {
  /** Debug mode: unhandled errors answer with a stack page. */
  debug?: boolean;
  /** The routes. */
  routes?: BaseRoute[];
  /** User middleware, the first one outermost. */
  middleware?: Middleware[];
  /** Handlers keyed by status code or error class (500/Error go to ServerErrorMiddleware). */
  exceptionHandlers?: ExceptionHandlers;
  /** `async function* (app) { startup; yield state; shutdown }`. */
  lifespan?: Lifespan<App>;
}

/**
 * A Starlette application: an ASGI app to hand to any ASGI server.
 *
 * @example
 * const app = new Starlette({
 *   routes: [new Route('/', () => new PlainTextResponse('Hello, world!'))],
 *   middleware: [new Middleware(GZipMiddleware, { minimumSize: 500 })],
 * });
 * await serve(app, { port: 8000 });
 */
export class Starlette extends ASGIObject {
  /** Debug mode. */
  debug: boolean;
  /** Application-wide state (`app.state.x = ...`). */
  readonly state: State;
  /** The router. */
  router: Router;
  /** Handlers by status code or error class. */
  readonly exceptionHandlers: Map<ExceptionHandlerKey, ExceptionHandler>;
  /** The user middleware, the first outermost. */
  readonly userMiddleware: Middleware[];
  /** The built stack, or null before the first call. */
  middlewareStack: ASGIApp | null = null;

  constructor(options: StarletteOptions = {}) {
    super();
    this.debug = options.debug ?? false;
    this.state = new State();
    this.router = new Router({ routes: options.routes, lifespan: options.lifespan as Lifespan | undefined });
    this.exceptionHandlers = new Map(handlerEntries(options.exceptionHandlers));
    this.userMiddleware = [...(options.middleware ?? [])];
  }

  /** Builds ServerErrorMiddleware -> user middleware -> ExceptionMiddleware -> router. */
  buildMiddlewareStack(): ASGIApp {
    let errorHandler: ExceptionHandler | null = null;
    const handlers = new Map<ExceptionHandlerKey, ExceptionHandler>();
    for (const [key, handler] of this.exceptionHandlers) {
      if (key === 500 || key === Error) errorHandler = handler;
      else handlers.set(key, handler);
    }
    const middleware = [
      new Middleware(ServerErrorMiddleware, { handler: errorHandler, debug: this.debug }),
      ...this.userMiddleware,
      new Middleware(ExceptionMiddleware, { handlers, debug: this.debug }),
    ];
    return buildStack(this.router, middleware);
  }

  /** The router's routes. */
  get routes(): BaseRoute[] {
    return this.router.routes;
  }

  /** The path of the named route. Throws NoMatchFound. */
  urlPathFor(name: string, params: Record<string, unknown> = {}): URLPath {
    return this.router.urlPathFor(name, params);
  }

  // Pass-through layers return the inner promise instead of awaiting it: one promise and one
  // microtask hop fewer per layer and request (docs/benchmarks.md).
  call(scope: Scope, receive: Receive, send: Send): Promise<void> {
    scope.app = this;
    this.middlewareStack ??= this.buildMiddlewareStack();
    return this.middlewareStack(scope, receive, send);
  }

  /** Adds a middleware as the new outermost user middleware; throws once the app has started. */
  addMiddleware<O>(cls: MiddlewareClass<O> | MiddlewareFactory<O>, options?: O): void {
    if (this.middlewareStack !== null) throw new AppStartedError();
    this.userMiddleware.unshift(new Middleware(cls, options));
  }

  /** Registers an exception handler for a status code or an error class (before the first request, as in Starlette). */
  addExceptionHandler(key: ExceptionHandlerKey, handler: ExceptionHandler): void {
    this.exceptionHandlers.set(key, handler);
  }

  /** Mounts an ASGI app under `path`. */
  mount(path: string, app: ASGIAppLike, name?: string | null): void {
    this.router.mount(path, app, name);
  }

  /** Routes a host pattern to an app. */
  host(host: string, app: ASGIAppLike, name?: string | null): void {
    this.router.host(host, app, name);
  }

  /** Adds an HTTP route. */
  addRoute(path: string, endpoint: Endpoint, options?: RouteOptions): void;
  addRoute(path: string, endpoint: ASGIAppLike, options?: RouteOptions): void;
  addRoute(path: string, endpoint: Endpoint | ASGIAppLike, options: RouteOptions = {}): void {
    this.router.addRoute(path, endpoint, options);
  }

  /** Adds a WebSocket route. */
  addWebsocketRoute(path: string, endpoint: WebSocketEndpoint, options?: { name?: string | null }): void;
  addWebsocketRoute(path: string, endpoint: ASGIAppLike, options?: { name?: string | null }): void;
  addWebsocketRoute(path: string, endpoint: WebSocketEndpoint | ASGIAppLike, options: { name?: string | null } = {}): void {
    this.router.addWebsocketRoute(path, endpoint, options);
  }
}
