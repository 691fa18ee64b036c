/**
 * Routing, as Starlette's `starlette.routing`: Route, WebSocketRoute, Mount, Host and
 * Router. Paths compile once, at construction, into anchored regexes; a request runs
 * one prefix check and at most one regex per route.
 */
import type { ASGIApp, HTTPScope, Receive, Scope, Send } from 'asgi-core';
import { ASGIObject, type ASGIAppLike, isASGICallable, toASGIApp } from './asgi';
import { NoMatchFound } from './errors';
import { HTTPException } from './exceptions';
import { runHandlingExceptions } from './internal/exception-handler';
import { type CompiledPath, compilePath, getRoutePath, replaceParams } from './internal/paths';
import { buildStack, type Middleware } from './middleware/index';
import { Request } from './requests';
import { PlainTextResponse } from './responses';
import { Router } from './router';
import { URLPath } from './url';
import { WebSocket, WebSocketClose } from './websockets';

/** How well a route matches a scope: NONE, PARTIAL (path matches, method does not) or FULL. */
export enum Match {
  NONE = 0,
  PARTIAL = 1,
  FULL = 2,
}

/** A match verdict and the keys to merge into the scope (`path_params`, `endpoint`, `root_path`). */
export type MatchResult = readonly [Match, Record<string, unknown>];

const NO_MATCH: MatchResult = Object.freeze([Match.NONE, Object.freeze({})]) as MatchResult;

/** The child scope of a Route, a WebSocketRoute or a Host: the endpoint and the path parameters. */
class EndpointScope {
  [key: string]: unknown;
  constructor(
    readonly endpoint: unknown,
    readonly path_params: Record<string, unknown>,
  ) {}
}

/**
 * Merges a matched route's child scope into the scope (Starlette's `scope.update(child_scope)`).
 * The usual child, an {@link EndpointScope}, is stored key by key: `Object.assign`'s generic copy took
 * about 8 % of the instructions of a whole `GET /hello` in process.
 */
export function mergeChildScope(scope: Scope, child: Record<string, unknown>): void {
  if (child instanceof EndpointScope) {
    scope.endpoint = child.endpoint;
    scope.path_params = child.path_params;
  } else Object.assign(scope, child);
}

/** An HTTP endpoint: takes the Request, returns a Response (or any ASGI app). */
export type Endpoint = (request: Request) => unknown;
/** A WebSocket endpoint: takes the WebSocket and runs the session. */
export type WebSocketEndpoint = (websocket: WebSocket) => unknown;

/**
 * True when `endpoint` is an ASGI app rather than a request handler: an ASGIObject
 * (Response, Router, StaticFiles ...), an object with `call`, or a plain function
 * declaring exactly three parameters `(scope, receive, send)`.
 */
export function isASGIEndpoint(endpoint: unknown): boolean {
  if (endpoint instanceof ASGIObject || isASGICallable(endpoint)) return true;
  return typeof endpoint === 'function' && endpoint.length === 3;
}

/** Starlette's get_name: a function's name ('' for an anonymous arrow), else the class name. */
function getName(endpoint: unknown): string {
  if (typeof endpoint === 'function' && !(endpoint instanceof ASGIObject)) return endpoint.name;
  return (endpoint as object).constructor?.name ?? '';
}

function asResponseApp(result: unknown): ASGIApp {
  if (typeof result === 'function' || isASGICallable(result)) return toASGIApp(result as ASGIAppLike);
  throw new TypeError(`Endpoint must return a Response (an ASGI app), got ${result === null ? 'null' : typeof result}`);
}

/** Wraps `func(request) -> response` into an ASGI app (Starlette's `request_response`). */
export function requestResponse(func: Endpoint): ASGIApp {
  return async (scope, receive, send) => {
    const request = new Request(scope, receive, send);
    const app: ASGIApp = async (innerScope, innerReceive, innerSend) => {
      const response = await func(request);
      await asResponseApp(response)(innerScope, innerReceive, innerSend);
    };
    try {
      await runHandlingExceptions(app, request, scope, receive, send);
    } finally {
      // Uploads spooled to temp files must not outlive the request (FastAPI closes them the same way).
      await request.close();
    }
  };
}

/** Wraps `func(websocket)` into an ASGI app (Starlette's `websocket_session`). */
export function websocketSession(func: WebSocketEndpoint): ASGIApp {
  return async (scope, receive, send) => {
    const session = new WebSocket(scope, receive, send);
    await runHandlingExceptions(async () => void (await func(session)), session, scope, receive, send);
  };
}

/** Matches `routePath` against a compiled path; returns the converted params (merged over the scope's) or undefined. */
function matchPath(compiled: CompiledPath, routePath: string, scope: Scope): Record<string, unknown> | undefined {
  const inherited = scope.path_params as Record<string, unknown> | undefined;
  if (compiled.isStatic) {
    if (routePath !== compiled.format) return undefined;
    return inherited ? { ...inherited } : {};
  }
  if (!routePath.startsWith(compiled.prefix)) return undefined;
  const literals = compiled.literals;
  if (literals !== null) {
    // `str` parameters only, each followed by `/` or the end: each takes the text up to the next `/`.
    const params: Record<string, unknown> = inherited ? { ...inherited } : {};
    let at = literals[0].length;
    for (let i = 0; i < compiled.names.length; i++) {
      let end = routePath.indexOf('/', at);
      if (end === -1) end = routePath.length;
      const after = literals[i + 1];
      if (end === at || !routePath.startsWith(after, end)) return undefined;
      params[compiled.names[i]] = routePath.slice(at, end);
      at = end + after.length;
    }
    return at === routePath.length ? params : undefined;
  }
  const match = compiled.regex.exec(routePath);
  if (match === null) return undefined;
  const params: Record<string, unknown> = inherited ? { ...inherited } : {};
  try {
    for (let i = 0; i < compiled.names.length; i++) {
      const name = compiled.names[i];
      params[name] = compiled.convertors[name].convert(match[compiled.groups[i]]);
    }
  } catch {
    return undefined; // a convertor refused the value (an int too large): no match, as a regex miss
  }
  return params;
}

function checkParams(name: string, params: Record<string, unknown>, routeName: string, compiled: CompiledPath): void {
  const seen = Object.keys(params);
  if (name !== routeName || seen.length !== compiled.names.length || !seen.every((key) => key in compiled.convertors)) {
    throw new NoMatchFound(name, params);
  }
}

/** The base of every route: an ASGI app that can also be used alone (404 / close when it does not match). */
export abstract class BaseRoute extends ASGIObject {
  /** Does this route handle the scope? */
  abstract matches(scope: Scope): MatchResult;
  /** The path of the route named `name` with these params; throws NoMatchFound. */
  abstract urlPathFor(name: string, params?: Record<string, unknown>): URLPath;
  /** Handles a scope this route matched. */
  abstract handle(scope: Scope, receive: Receive, send: Send): Promise<void>;

  async call(scope: Scope, receive: Receive, send: Send): Promise<void> {
    const [match, child] = this.matches(scope);
    if (match === Match.NONE) {
      if (scope.type === 'http') await new PlainTextResponse('Not Found', { status: 404 })(scope, receive, send);
      else if (scope.type === 'websocket') await new WebSocketClose()(scope, receive, send);
      return;
    }
    mergeChildScope(scope, child);
    await this.handle(scope, receive, send);
  }
}

/** Options of {@link Route}. */
export interface RouteOptions {
  /** Allowed methods (default `['GET']` for handler functions, all for ASGI apps); GET implies HEAD. */
  methods?: string[] | null;
  /** The name for `urlFor` (default: the function's name). */
  name?: string | null;
  /** Whether OpenAPI generators should list it (default true). */
  includeInSchema?: boolean;
  /** Middleware wrapping only this route. */
  middleware?: Middleware[];
}

/**
 * An HTTP route: `path` with `{param}` / `{param:int}` placeholders, and an endpoint.
 *
 * @example
 * new Route('/users/{id:int}', (request) => new JSONResponse({ id: request.pathParams.id }), { methods: ['GET'] });
 */
export class Route extends BaseRoute {
  /** The path template. */
  readonly path: string;
  /** The endpoint as given. */
  endpoint: Endpoint | ASGIAppLike;
  /** Whether OpenAPI generators list it. */
  readonly includeInSchema: boolean;
  /** Upper-case allowed methods (HEAD added with GET), or null for any. */
  methods: Set<string> | null;
  /** The ASGI app run for a full match. */
  app: ASGIApp;
  /** The compiled path. */
  readonly compiled: CompiledPath;

  constructor(path: string, endpoint: Endpoint, options?: RouteOptions);
  constructor(path: string, endpoint: ASGIAppLike, options?: RouteOptions);
  constructor(path: string, endpoint: Endpoint | ASGIAppLike, options: RouteOptions = {}) {
    super(options.name ?? getName(endpoint));
    if (!path.startsWith('/')) throw new TypeError("Routed paths must start with '/'");
    this.path = path;
    this.endpoint = endpoint;
    this.includeInSchema = options.includeInSchema ?? true;
    let methods = options.methods ?? null;
    let app: ASGIApp;
    if (isASGIEndpoint(endpoint)) app = toASGIApp(endpoint as ASGIAppLike);
    else {
      app = requestResponse(endpoint as Endpoint);
      methods ??= ['GET'];
    }
    this.app = buildStack(app, options.middleware);
    if (methods === null) this.methods = null;
    else {
      this.methods = new Set(methods.map((m) => m.toUpperCase()));
      if (this.methods.has('GET')) this.methods.add('HEAD');
    }
    this.compiled = compilePath(path);
  }

  /** The path template with convertor types removed (`/users/{id}`). */
  get pathFormat(): string {
    return this.compiled.format;
  }

  matches(scope: Scope): MatchResult {
    if (scope.type !== 'http') return NO_MATCH;
    const params = matchPath(this.compiled, getRoutePath(scope), scope);
    if (params === undefined) return NO_MATCH;
    const child = new EndpointScope(this.endpoint, params);
    return [this.methods !== null && !this.methods.has(scope.method) ? Match.PARTIAL : Match.FULL, child];
  }

  urlPathFor(name: string, params: Record<string, unknown> = {}): URLPath {
    checkParams(name, params, this.name, this.compiled);
    const [path] = replaceParams(this.compiled.format, this.compiled.convertors, params);
    return new URLPath(path, 'http');
  }

  handle(scope: Scope, receive: Receive, send: Send): Promise<void> {
    if (this.methods !== null && !this.methods.has((scope as HTTPScope).method)) return this.methodNotAllowed(scope, receive, send);
    return this.app(scope, receive, send);
  }

  private async methodNotAllowed(scope: Scope, receive: Receive, send: Send): Promise<void> {
    const headers = { allow: [...(this.methods as Set<string>)].join(', ') };
    if ('app' in scope) throw new HTTPException(405, null, headers);
    await new PlainTextResponse('Method Not Allowed', { status: 405, headers })(scope, receive, send);
  }
}

/**
 * What a route's matching requires of the route path, when that is all it looks at (a Route or
 * WebSocketRoute that keeps its class's `matches`): the whole path (`exact`) for a route without
 * parameters, else the literal text the path must start with. Undefined for any other route, which
 * the router must ask about every path.
 */
export function pathNeedOf(route: BaseRoute): { exact: boolean; text: string } | undefined {
  const own = route instanceof Route ? Route.prototype.matches : route instanceof WebSocketRoute ? WebSocketRoute.prototype.matches : undefined;
  if (own === undefined || route.matches !== own) return undefined;
  const compiled = (route as Route | WebSocketRoute).compiled;
  return compiled.isStatic ? { exact: true, text: compiled.format } : { exact: false, text: compiled.prefix };
}

/** Options of {@link WebSocketRoute}. */
export interface WebSocketRouteOptions {
  name?: string | null;
  middleware?: Middleware[];
}

/**
 * A WebSocket route.
 *
 * @example
 * new WebSocketRoute('/ws', async (ws) => { await ws.accept(); await ws.sendText('hi'); await ws.close(); });
 */
export class WebSocketRoute extends BaseRoute {
  /** The path template. */
  readonly path: string;
  /** The endpoint as given. */
  endpoint: WebSocketEndpoint | ASGIAppLike;
  /** The ASGI app run for a match. */
  app: ASGIApp;
  /** The compiled path. */
  readonly compiled: CompiledPath;

  constructor(path: string, endpoint: WebSocketEndpoint, options?: WebSocketRouteOptions);
  constructor(path: string, endpoint: ASGIAppLike, options?: WebSocketRouteOptions);
  constructor(path: string, endpoint: WebSocketEndpoint | ASGIAppLike, options: WebSocketRouteOptions = {}) {
    super(options.name ?? getName(endpoint));
    if (!path.startsWith('/')) throw new TypeError("Routed paths must start with '/'");
    this.path = path;
    this.endpoint = endpoint;
    const app = isASGIEndpoint(endpoint) ? toASGIApp(endpoint as ASGIAppLike) : websocketSession(endpoint as WebSocketEndpoint);
    this.app = buildStack(app, options.middleware);
    this.compiled = compilePath(path);
  }

  matches(scope: Scope): MatchResult {
    if (scope.type !== 'websocket') return NO_MATCH;
    const params = matchPath(this.compiled, getRoutePath(scope), scope);
    if (params === undefined) return NO_MATCH;
    return [Match.FULL, new EndpointScope(this.endpoint, params)];
  }

  urlPathFor(name: string, params: Record<string, unknown> = {}): URLPath {
    checkParams(name, params, this.name, this.compiled);
    const [path] = replaceParams(this.compiled.format, this.compiled.convertors, params);
    return new URLPath(path, 'websocket');
  }

  async handle(scope: Scope, receive: Receive, send: Send): Promise<void> {
    await this.app(scope, receive, send);
  }
}

/** Options of {@link Mount}: an app or routes, and an optional name. */
export interface MountOptions {
  app?: ASGIAppLike;
  routes?: BaseRoute[];
  name?: string | null;
  middleware?: Middleware[];
}

function mountOptions(target: ASGIAppLike | BaseRoute[] | MountOptions): MountOptions {
  if (Array.isArray(target)) return { routes: target };
  if (typeof target === 'function' || isASGICallable(target)) return { app: target as ASGIAppLike };
  return target as MountOptions;
}

/** Reads `routes` of a mounted app when it has them (a Router, a Starlette app). */
function routesOf(app: unknown): BaseRoute[] {
  const routes = (app as { routes?: unknown } | null)?.routes;
  return Array.isArray(routes) ? (routes as BaseRoute[]) : [];
}

/**
 * Mounts an ASGI app (or a list of routes) under a path prefix. As in Starlette 0.35+,
 * the child scope keeps the full `path` and grows `root_path` by the matched prefix.
 *
 * @example
 * new Mount('/static', { app: new StaticFiles({ directory: 'public' }), name: 'static' });
 * new Mount('/static', new StaticFiles({ directory: 'public' }), { name: 'static' }); // same
 * new Mount('/users', [new Route('/', listUsers), new Route('/{id:int}', getUser)]);
 */
export class Mount extends BaseRoute {
  /** The prefix, without trailing slash. */
  readonly path: string;
  /** The mounted app (wrapped in the mount's middleware). */
  app: ASGIApp;
  private readonly baseApp: ASGIAppLike;
  private readonly compiled: CompiledPath;

  constructor(path: string, target: ASGIAppLike | BaseRoute[] | MountOptions, extra: Omit<MountOptions, 'app' | 'routes'> = {}) {
    const options = { ...mountOptions(target), ...extra };
    super(options.name ?? '');
    if (path !== '' && !path.startsWith('/')) throw new TypeError("Routed paths must start with '/'");
    if (options.app === undefined && options.routes === undefined) {
      throw new TypeError("Either 'app' or 'routes' must be specified");
    }
    this.path = path.replace(/\/+$/, '');
    this.baseApp = options.app ?? new Router({ routes: options.routes });
    this.app = buildStack(toASGIApp(this.baseApp), options.middleware);
    this.compiled = compilePath(this.path + '/{path:path}');
  }

  /** The routes of the mounted app, when it is a Router (or has `routes`). */
  get routes(): BaseRoute[] {
    return routesOf(this.baseApp);
  }

  matches(scope: Scope): MatchResult {
    if (scope.type !== 'http' && scope.type !== 'websocket') return NO_MATCH;
    const rootPath = (scope.root_path as string | undefined) ?? '';
    const routePath = getRoutePath(scope);
    const params = matchPath(this.compiled, routePath, scope);
    if (params === undefined) return NO_MATCH;
    const remaining = '/' + (params.path as string);
    delete params.path;
    const matchedPath = routePath.slice(0, routePath.length - remaining.length);
    const inherited = scope.path_params as Record<string, unknown> | undefined;
    if (inherited && 'path' in inherited) params.path = inherited.path;
    return [
      Match.FULL,
      {
        path_params: params,
        app_root_path: (scope.app_root_path as string | undefined) ?? rootPath,
        root_path: rootPath + matchedPath,
        endpoint: this.app,
      },
    ];
  }

  urlPathFor(name: string, params: Record<string, unknown> = {}): URLPath {
    if (this.name !== '' && name === this.name && 'path' in params) {
      const [path, remaining] = replaceParams(this.compiled.format, this.compiled.convertors, {
        ...params,
        path: String(params.path).replace(/^\/+/, ''),
      });
      if (Object.keys(remaining).length === 0) return new URLPath(path);
    } else if (this.name === '' || name.startsWith(this.name + ':')) {
      const childName = this.name === '' ? name : name.slice(this.name.length + 1);
      const [prefix, remaining] = replaceParams(this.compiled.format, this.compiled.convertors, { ...params, path: '' });
      if ('path' in params) remaining.path = params.path;
      for (const route of this.routes) {
        try {
          const url = route.urlPathFor(childName, remaining);
          return new URLPath(prefix.replace(/\/+$/, '') + url.path, url.protocol as '' | 'http' | 'websocket');
        } catch (error) {
          if (!(error instanceof NoMatchFound)) throw error;
        }
      }
    }
    throw new NoMatchFound(name, params);
  }

  async handle(scope: Scope, receive: Receive, send: Send): Promise<void> {
    await this.app(scope, receive, send);
  }
}

/**
 * Routes by the `Host` header (port ignored); `{sub}` placeholders become path params.
 *
 * @example
 * new Host('{subdomain}.example.org', { app: apiRouter, name: 'api' });
 */
export class Host extends BaseRoute {
  /** The host pattern. */
  readonly host: string;
  /** The routed app. */
  app: ASGIApp;
  private readonly baseApp: ASGIAppLike;
  private readonly compiled: CompiledPath;

  constructor(host: string, target: ASGIAppLike | { app: ASGIAppLike; name?: string | null }, name?: string | null) {
    const options = typeof target === 'function' || isASGICallable(target) ? { app: target as ASGIAppLike, name } : (target as { app: ASGIAppLike; name?: string | null });
    super(options.name ?? name ?? '');
    if (host.startsWith('/')) throw new TypeError("Host must not start with '/'");
    this.host = host;
    this.baseApp = options.app;
    this.app = toASGIApp(options.app);
    this.compiled = compilePath(host);
  }

  /** The routes of the routed app, when it has them. */
  get routes(): BaseRoute[] {
    return routesOf(this.baseApp);
  }

  matches(scope: Scope): MatchResult {
    if (scope.type !== 'http' && scope.type !== 'websocket') return NO_MATCH;
    let host = '';
    for (const [key, value] of scope.headers) {
      if (key === 'host') {
        host = value.split(':')[0];
        break;
      }
    }
    const match = this.compiled.regex.exec(host);
    if (match === null) return NO_MATCH;
    const inherited = scope.path_params as Record<string, unknown> | undefined;
    const params: Record<string, unknown> = inherited ? { ...inherited } : {};
    const { names, groups, convertors } = this.compiled;
    for (let i = 0; i < names.length; i++) params[names[i]] = convertors[names[i]].convert(match[groups[i]]);
    return [Match.FULL, new EndpointScope(this.app, params)];
  }

  urlPathFor(name: string, params: Record<string, unknown> = {}): URLPath {
    if (this.name !== '' && name === this.name && 'path' in params) {
      const { path, ...rest } = params;
      const [host, remaining] = replaceParams(this.compiled.format, this.compiled.convertors, rest);
      if (Object.keys(remaining).length === 0) return new URLPath(String(path), '', host);
    } else if (this.name === '' || name.startsWith(this.name + ':')) {
      const childName = this.name === '' ? name : name.slice(this.name.length + 1);
      const [host, remaining] = replaceParams(this.compiled.format, this.compiled.convertors, params);
      for (const route of this.routes) {
        try {
          const url = route.urlPathFor(childName, remaining);
          return new URLPath(url.path, url.protocol as '' | 'http' | 'websocket', host);
        } catch (error) {
          if (!(error instanceof NoMatchFound)) throw error;
        }
      }
    }
    throw new NoMatchFound(name, params);
  }

  async handle(scope: Scope, receive: Receive, send: Send): Promise<void> {
    await this.app(scope, receive, send);
  }
}

export { Router };
export type { RouterOptions } from './router';
