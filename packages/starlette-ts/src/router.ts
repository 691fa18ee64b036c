/**
 * The Router, as Starlette's `starlette.routing.Router`: tries each route in order,
 * falls back to a PARTIAL match (405), a slash redirect, then the default app (404).
 */
import type { ASGIApp, HTTPScope, LifespanScope, Receive, Scope, Send } from 'asgi-core';
import { ASGIObject, type ASGIAppLike, toASGIApp } from './asgi';
import { NoMatchFound } from './errors';
import { HTTPException } from './exceptions';
import { getRoutePath } from './internal/paths';
import { type Lifespan, runLifespan } from './lifespan';
import { buildStack, type Middleware } from './middleware/index';
import { PlainTextResponse, RedirectResponse } from './responses';
import {
  type BaseRoute,
  type Endpoint,
  Host,
  Match,
  mergeChildScope,
  Mount,
  Route,
  type RouteOptions,
  pathNeedOf,
  WebSocketRoute,
  type WebSocketEndpoint,
} from './routing';
import { URL, type URLPath } from './url';
import { WebSocketClose } from './websockets';

/** Options of {@link Router}. */
export interface RouterOptions {
  /** The routes, tried in order. */
  routes?: BaseRoute[];
  /** Redirect (307) `/path/` to `/path` and back when only the twin exists (default true). */
  redirectSlashes?: boolean;
  /** The app for unmatched requests (default: 404 / websocket close). */
  defaultApp?: ASGIAppLike;
  /** Alias of `defaultApp` (Starlette's `default`). */
  default?: ASGIAppLike;
  /** Startup/shutdown: `async function* (app) { ...; yield state; ... }`. */
  lifespan?: Lifespan;
  /** Middleware wrapping the whole router. */
  middleware?: Middleware[];
}

/** The first segment of a route path (`/items/3` -> `items`, `/` -> ``). */
function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return end === -1 ? path.slice(1) : path.slice(1, end);
}

/**
 * The routes worth asking about a route path, in their order (a 1-level radix over Starlette's scan):
 * a route without parameters only for its own path, a route whose parameters follow a first segment
 * of its own (`/items/{id}`) only for paths in that segment, every other route for every path. The
 * routes left out are those whose `matches` could only answer NONE. Built for one content of a
 * router's `routes`, which one may append to or change: {@link RouteIndex.isFor} tells when it is stale.
 */
class RouteIndex {
  private readonly snapshot: BaseRoute[];
  private readonly byPath = new Map<string, BaseRoute[]>();
  private readonly bySegment = new Map<string, BaseRoute[]>();
  private readonly others: BaseRoute[];

  constructor(routes: BaseRoute[]) {
    this.snapshot = [...routes];
    // Per route: its exact path, or the first segment its prefix completes (`/items/`), or null (asked always).
    const exact: Array<string | null> = [];
    const segment: Array<string | null> = [];
    for (const route of routes) {
      const need = pathNeedOf(route);
      exact.push(need?.exact ? need.text : null);
      segment.push(need !== undefined && !need.exact && need.text.indexOf('/', 1) !== -1 ? firstSegment(need.text) : null);
    }
    const asked = (i: number, path: string | null, seg: string): boolean =>
      exact[i] !== null ? exact[i] === path : segment[i] !== null ? segment[i] === seg : true;
    for (const path of new Set(exact)) {
      if (path !== null) this.byPath.set(path, routes.filter((_, i) => asked(i, path, firstSegment(path))));
    }
    for (const seg of new Set(segment)) if (seg !== null) this.bySegment.set(seg, routes.filter((_, i) => asked(i, null, seg)));
    this.others = routes.filter((_, i) => exact[i] === null && segment[i] === null);
  }

  /** True while `routes` holds the same routes in the same order as when this was built. */
  isFor(routes: BaseRoute[]): boolean {
    const snapshot = this.snapshot;
    if (routes.length !== snapshot.length) return false;
    for (let i = 0; i < routes.length; i++) if (routes[i] !== snapshot[i]) return false;
    return true;
  }

  candidates(routePath: string): BaseRoute[] {
    return this.byPath.get(routePath) ?? (this.bySegment.size > 0 ? this.bySegment.get(firstSegment(routePath)) : undefined) ?? this.others;
  }
}

/**
 * A list of routes as one ASGI app.
 *
 * @example
 * const router = new Router({ routes: [new Route('/', home)], redirectSlashes: true });
 */
export class Router extends ASGIObject {
  /** The routes, tried in order; append to add more. */
  readonly routes: BaseRoute[];
  /** Whether slash redirects are on. */
  redirectSlashes: boolean;
  /** The app for unmatched requests. */
  readonly defaultApp: ASGIApp;
  /** The lifespan, if any. */
  readonly lifespanContext: Lifespan | undefined;
  private readonly middlewareStack: ASGIApp;
  private routeIndex: RouteIndex | undefined;

  constructor(options: RouterOptions = {}) {
    super();
    this.routes = [...(options.routes ?? [])];
    this.redirectSlashes = options.redirectSlashes ?? true;
    const fallback = options.defaultApp ?? options.default;
    this.defaultApp = fallback !== undefined ? toASGIApp(fallback) : (scope, receive, send) => this.notFound(scope, receive, send);
    this.lifespanContext = options.lifespan;
    this.middlewareStack = buildStack((scope, receive, send) => this.app(scope, receive, send), options.middleware);
  }

  /** The default 404: raises HTTPException inside a Starlette app (so handlers apply), else answers directly. */
  async notFound(scope: Scope, receive: Receive, send: Send): Promise<void> {
    if (scope.type === 'websocket') {
      await new WebSocketClose()(scope, receive, send);
      return;
    }
    if ('app' in scope) throw new HTTPException(404);
    await new PlainTextResponse('Not Found', { status: 404 })(scope, receive, send);
  }

  /** The path of the route named `name`; nested names are `mount:child`. Throws NoMatchFound. */
  urlPathFor(name: string, params: Record<string, unknown> = {}): URLPath {
    for (const route of this.routes) {
      try {
        return route.urlPathFor(name, params);
      } catch (error) {
        if (!(error instanceof NoMatchFound)) throw error;
      }
    }
    throw new NoMatchFound(name, params);
  }

  /** Runs the lifespan conversation. */
  async lifespan(scope: Scope, receive: Receive, send: Send): Promise<void> {
    await runLifespan(this.lifespanContext, scope as LifespanScope, receive, send);
  }

  call(scope: Scope, receive: Receive, send: Send): Promise<void> {
    return this.middlewareStack(scope, receive, send);
  }

  /**
   * The routing itself (inside the router's own middleware). Not `async`: it returns the
   * matched route's promise, saving a promise and a microtask hop per request.
   */
  app(scope: Scope, receive: Receive, send: Send): Promise<void> {
    if (scope.router === undefined) scope.router = this;
    if (scope.type === 'lifespan') return this.lifespan(scope, receive, send);
    let partial: BaseRoute | undefined;
    let partialScope: Record<string, unknown> | undefined;
    // Starlette tries every route in order; the routes skipped here are those whose `matches` could only say NONE.
    let routes = this.routes;
    if (scope.type === 'http' || scope.type === 'websocket') {
      let index = this.routeIndex;
      if (index === undefined || !index.isFor(routes)) index = this.routeIndex = new RouteIndex(routes);
      routes = index.candidates(getRoutePath(scope));
    }
    for (let i = 0; i < routes.length; i++) {
      const route = routes[i];
      const result = route.matches(scope); // indexed, not destructured: no iterator on the hot path
      const match = result[0];
      if (match === Match.FULL) {
        mergeChildScope(scope, result[1]);
        return route.handle(scope, receive, send);
      }
      if (match === Match.PARTIAL && partial === undefined) {
        partial = route;
        partialScope = result[1];
      }
    }
    if (partial !== undefined) {
      mergeChildScope(scope, partialScope!);
      return partial.handle(scope, receive, send);
    }
    return this.unmatched(scope, receive, send);
  }

  /** No route matched: the slash twin's redirect, or the default app. */
  private async unmatched(scope: Scope, receive: Receive, send: Send): Promise<void> {
    const routePath = getRoutePath(scope);
    if (scope.type === 'http' && this.redirectSlashes && routePath !== '/') {
      const path = routePath.endsWith('/') ? scope.path.replace(/\/+$/, '') : scope.path + '/';
      const redirectScope: HTTPScope = { ...scope, path };
      for (const route of this.routes) {
        if (route.matches(redirectScope)[0] !== Match.NONE) {
          const url = new URL({ scope: redirectScope });
          await new RedirectResponse(url.toString())(scope, receive, send);
          return;
        }
      }
    }
    await this.defaultApp(scope, receive, send);
  }

  /** Appends a Mount. */
  mount(path: string, app: ASGIAppLike, name?: string | null): void {
    this.routes.push(new Mount(path, { app, name }));
  }

  /** Appends a Host route. */
  host(host: string, app: ASGIAppLike, name?: string | null): void {
    this.routes.push(new Host(host, { app, name }));
  }

  /** Appends a Route. */
  addRoute(path: string, endpoint: Endpoint, options?: RouteOptions): void;
  addRoute(path: string, endpoint: ASGIAppLike, options?: RouteOptions): void;
  addRoute(path: string, endpoint: Endpoint | ASGIAppLike, options: RouteOptions = {}): void {
    this.routes.push(new Route(path, endpoint, options));
  }

  /** Appends a WebSocketRoute. */
  addWebsocketRoute(path: string, endpoint: WebSocketEndpoint, options?: { name?: string | null }): void;
  addWebsocketRoute(path: string, endpoint: ASGIAppLike, options?: { name?: string | null }): void;
  addWebsocketRoute(path: string, endpoint: WebSocketEndpoint | ASGIAppLike, options: { name?: string | null } = {}): void {
    this.routes.push(new WebSocketRoute(path, endpoint, options));
  }
}
