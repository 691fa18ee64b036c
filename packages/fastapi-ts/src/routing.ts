/**
 * FastAPI's routing: `APIRoute` (an HTTP path operation), `APIWebSocketRoute`
 * and `APIRouter` (prefix, tags, dependencies, responses; the functional
 * `router.get(path, options, handler)` API; `include` of controllers and
 * `includeRouter`). Each route compiles its dependency plan and response
 * serialiser once, when it is created.
 */
import type { ASGIApp, Receive, Scope, Send } from 'asgi-core';
import { BaseRoute, JSONResponse, Route, Router, WebSocketRoute, type Response, type RouterOptions } from 'starlette-ts';
import type { z } from 'zod';
import {
  addParameterlessDependencies,
  checkPathParams,
  flatBodyParams,
  getDependant,
  getFunctionDependant,
  getMethodDependant,
  shouldEmbedBody,
  type DependantNode,
} from './dependencies/utils';
import { toIncExTree, type IncEx } from './encoders';
import { DeclarationError } from './errors';
import { httpHandler, websocketHandler, type HandlerPlan } from './internal/request-handler';
import { reachesADependencyTwice } from './internal/solve';
import { compileSerializer, type Serializer } from './internal/serialize';
import { isModelClass, type AnyModelClass } from './models';
import type { Declaration, Values } from './params';
import { controllerRoutes, isControllerClass } from './decorators';

/** A response model: a zod schema or a Model class. */
export type ResponseModel = z.ZodType | AnyModelClass;

/** Extra OpenAPI responses by status code (FastAPI's `responses`). */
export type ResponsesSpec = Record<string | number, Record<string, unknown>>;

/** Path-operation options, FastAPI's keyword arguments in camelCase. */
export interface RouteOptions {
  responseModel?: ResponseModel | null;
  statusCode?: number;
  tags?: string[];
  dependencies?: Declaration[];
  summary?: string;
  description?: string;
  responseDescription?: string;
  responses?: ResponsesSpec;
  deprecated?: boolean;
  operationId?: string;
  includeInSchema?: boolean;
  responseClass?: typeof Response;
  name?: string;
  responseModelInclude?: IncEx;
  responseModelExclude?: IncEx;
  responseModelExcludeUnset?: boolean;
  responseModelExcludeDefaults?: boolean;
  responseModelExcludeNone?: boolean;
  /** Merged into the operation by the OpenAPI generator. */
  openapiExtra?: Record<string, unknown>;
}

/** Options of the functional API: route options plus the handler's parameter declarations. */
export interface FunctionRouteOptions<P extends Record<string, Declaration>> extends RouteOptions {
  params?: P;
}

/** Where a route's handler and its declarations come from (recompiled when a router is included). */
export type RouteSource =
  | { kind: 'method'; instance: object; key: string }
  | { kind: 'function'; params: Record<string, Declaration>; handler: (values: never) => unknown };

const serializers = new WeakMap<object, Serializer>();

/** The zod schema of a response model. */
export function schemaOfModel(model: ResponseModel): z.ZodType {
  return isModelClass(model) ? model.schema : model;
}

function serializerFor(model: ResponseModel): Serializer {
  const schema = schemaOfModel(model);
  let s = serializers.get(schema);
  if (!s) serializers.set(schema, (s = compileSerializer(schema)));
  return s;
}

function sourceDependant(path: string, source: RouteSource): DependantNode {
  return source.kind === 'method'
    ? getMethodDependant(path, source.instance, source.key)
    : getFunctionDependant(path, source.params, source.handler as (...args: unknown[]) => unknown);
}

function overrideCompiler(path: string): HandlerPlan['overrideNode'] {
  const cache = new Map<unknown, Map<string, DependantNode>>();
  return (node, replacement) => {
    // An override keeps the scopes of the dependency it replaces (FastAPI passes `parent_oauth_scopes`).
    const scopes = node.oauthScopes ?? [];
    const key = scopes.length > 0 ? `${scopes.join(' ')}` : '';
    let byScopes = cache.get(replacement);
    if (!byScopes) cache.set(replacement, (byScopes = new Map()));
    let compiled = byScopes.get(key);
    if (!compiled) {
      compiled = getDependant(path, replacement, { useCache: node.useCache, scope: node.scope }, scopes);
      byScopes.set(key, compiled);
    }
    return compiled;
  };
}

function endpointOf(source: RouteSource): (...args: never[]) => unknown {
  if (source.kind === 'function') return source.handler;
  return (Object.getPrototypeOf(source.instance) as Record<string, (...args: never[]) => unknown>)[source.key];
}

/** One HTTP path operation. Its fields are what the OpenAPI generator reads. */
export class APIRoute extends Route {
  declare readonly methods: Set<string>;
  readonly source: RouteSource;
  readonly dependant: DependantNode;
  readonly responseModel: ResponseModel | undefined;
  readonly statusCode: number | undefined;
  readonly tags: string[];
  readonly dependencies: Declaration[];
  readonly summary: string | undefined;
  readonly description: string | undefined;
  readonly responseDescription: string;
  readonly responses: ResponsesSpec;
  readonly deprecated: boolean | undefined;
  readonly operationId: string | undefined;
  readonly responseClass: typeof Response;
  readonly options: RouteOptions;
  /** The compiled per-request plan. */
  readonly plan: HandlerPlan;

  constructor(path: string, source: RouteSource, methods: string[], options: RouteOptions = {}) {
    const endpoint = endpointOf(source);
    const holder: { app?: ASGIApp } = {};
    const asgi = (scope: Scope, receive: Receive, send: Send): Promise<void> => holder.app!(scope, receive, send);
    super(path, asgi, { methods, name: options.name ?? (endpoint.name || 'endpoint'), includeInSchema: options.includeInSchema ?? true });
    (this as { endpoint: unknown }).endpoint = endpoint;
    // FastAPI, unlike Starlette, does not answer HEAD on a GET operation unless asked to.
    if (!methods.some((m) => m.toUpperCase() === 'HEAD')) {
      this.methods.delete('HEAD');
      (this as unknown as { allow: string }).allow = [...this.methods].join(', ');
    }
    this.source = source;
    this.options = options;
    this.responseModel = options.responseModel ?? undefined;
    this.statusCode = options.statusCode;
    this.tags = [...(options.tags ?? [])];
    this.dependencies = [...(options.dependencies ?? [])];
    this.summary = options.summary;
    this.description = options.description;
    this.responseDescription = options.responseDescription ?? 'Successful Response';
    this.responses = { ...(options.responses ?? {}) };
    this.deprecated = options.deprecated;
    this.operationId = options.operationId;
    this.responseClass = options.responseClass ?? JSONResponse;
    const where = `${[...methods].join(',')} ${path}`;
    if (this.responseModel !== undefined && this.statusCode !== undefined && (this.statusCode < 200 || [204, 205, 304].includes(this.statusCode))) {
      throw new DeclarationError(`${where}: status code ${this.statusCode} must not have a response body, so it cannot have a responseModel`);
    }
    const dependant = sourceDependant(path, source);
    addParameterlessDependencies(dependant, this.dependencies, where);
    checkPathParams(dependant, path, where);
    this.dependant = dependant;
    const bodyParams = flatBodyParams(dependant);
    this.plan = {
      dependant,
      bodyParams,
      embedBody: shouldEmbedBody(bodyParams),
      serializer: this.responseModel !== undefined ? serializerFor(this.responseModel) : undefined,
      responseModelClass: isModelClass(this.responseModel) ? this.responseModel : undefined,
      noRepeatedDependency: !reachesADependencyTwice(dependant),
      dumpOptions: {
        include: toIncExTree(options.responseModelInclude),
        exclude: toIncExTree(options.responseModelExclude),
        excludeUnset: options.responseModelExcludeUnset ?? false,
        excludeDefaults: options.responseModelExcludeDefaults ?? false,
        excludeNone: options.responseModelExcludeNone ?? false,
      },
      statusCode: this.statusCode,
      responseClass: this.responseClass,
      overrideNode: overrideCompiler(path),
    };
    holder.app = httpHandler(this.plan);
  }
}

/** A WebSocket route whose handler gets parameters and dependencies (FastAPI's `APIWebSocketRoute`). */
export class APIWebSocketRoute extends WebSocketRoute {
  readonly source: RouteSource;
  readonly dependant: DependantNode;
  readonly dependencies: Declaration[];

  constructor(path: string, source: RouteSource, options: { name?: string; dependencies?: Declaration[] } = {}) {
    const endpoint = endpointOf(source);
    const holder: { app?: ASGIApp } = {};
    const asgi = (scope: Scope, receive: Receive, send: Send): Promise<void> => holder.app!(scope, receive, send);
    super(path, asgi, { name: options.name ?? (endpoint.name || 'endpoint') });
    (this as { endpoint: unknown }).endpoint = endpoint;
    this.source = source;
    this.dependencies = [...(options.dependencies ?? [])];
    const dependant = sourceDependant(path, source);
    addParameterlessDependencies(dependant, this.dependencies, `websocket ${path}`);
    checkPathParams(dependant, path, `websocket ${path}`);
    this.dependant = dependant;
    holder.app = websocketHandler({
      dependant,
      bodyParams: [],
      embedBody: false,
      noRepeatedDependency: !reachesADependencyTwice(dependant),
      dumpOptions: {},
      responseClass: JSONResponse,
      overrideNode: overrideCompiler(path),
    });
  }
}

/** Options of an {@link APIRouter}. */
export interface APIRouterOptions extends Omit<RouterOptions, 'routes'> {
  prefix?: string;
  tags?: string[];
  dependencies?: Declaration[];
  responses?: ResponsesSpec;
  deprecated?: boolean;
  includeInSchema?: boolean;
  defaultResponseClass?: typeof Response;
  routes?: BaseRoute[];
}

/** Options of `includeRouter`. */
export interface IncludeOptions {
  prefix?: string;
  tags?: string[];
  dependencies?: Declaration[];
  responses?: ResponsesSpec;
  deprecated?: boolean;
  includeInSchema?: boolean;
  defaultResponseClass?: typeof Response;
}

type Handler<P> = (values: Values<P>) => unknown;

function checkPrefix(prefix: string): void {
  if (prefix && (!prefix.startsWith('/') || prefix.endsWith('/'))) {
    throw new DeclarationError(`A path prefix must start with '/' and not end with '/', got "${prefix}"`);
  }
}

/**
 * A group of path operations with shared prefix, tags, dependencies and
 * responses (FastAPI's `APIRouter`); include it with `app.includeRouter(router)`.
 *
 * @example
 * const router = new APIRouter({ prefix: '/users', tags: ['users'] });
 * router.get('/{user_id}', { params: { user_id: Path(Int) } }, ({ user_id }) => ({ user_id }));
 */
export class APIRouter extends Router {
  readonly prefix: string;
  readonly tags: string[];
  readonly dependencies: Declaration[];
  readonly responses: ResponsesSpec;
  readonly deprecated: boolean | undefined;
  readonly includeInSchema: boolean;
  readonly defaultResponseClass: typeof Response;

  constructor(options: APIRouterOptions = {}) {
    super({ ...options, routes: options.routes });
    checkPrefix(options.prefix ?? '');
    this.prefix = options.prefix ?? '';
    this.tags = [...(options.tags ?? [])];
    this.dependencies = [...(options.dependencies ?? [])];
    this.responses = { ...(options.responses ?? {}) };
    this.deprecated = options.deprecated;
    this.includeInSchema = options.includeInSchema ?? true;
    this.defaultResponseClass = options.defaultResponseClass ?? JSONResponse;
  }

  /** Adds a path operation (FastAPI's `add_api_route`), merging the router's prefix, tags, dependencies and responses. */
  addApiRoute(path: string, source: RouteSource, methods: string[], options: RouteOptions = {}): APIRoute {
    const route = new APIRoute(this.prefix + path, source, methods, {
      ...options,
      tags: [...this.tags, ...(options.tags ?? [])],
      dependencies: [...this.dependencies, ...(options.dependencies ?? [])],
      responses: { ...this.responses, ...(options.responses ?? {}) },
      deprecated: options.deprecated ?? this.deprecated,
      includeInSchema: (options.includeInSchema ?? true) && this.includeInSchema,
      responseClass: options.responseClass ?? this.defaultResponseClass,
    });
    this.routes.push(route);
    return route;
  }

  /** Adds a WebSocket route with parameters and dependencies. */
  addApiWebsocketRoute(path: string, source: RouteSource, options: { name?: string; dependencies?: Declaration[] } = {}): APIWebSocketRoute {
    const route = new APIWebSocketRoute(this.prefix + path, source, {
      ...options,
      dependencies: [...this.dependencies, ...(options.dependencies ?? [])],
    });
    this.routes.push(route);
    return route;
  }

  /** Adds a functional path operation for `methods`. */
  apiRoute<P extends Record<string, Declaration> = Record<never, never>>(path: string, methods: string[], options: FunctionRouteOptions<P>, handler: Handler<P>): APIRoute {
    const { params, ...rest } = options;
    return this.addApiRoute(path, { kind: 'function', params: params ?? {}, handler: handler as (values: never) => unknown }, methods, rest);
  }

  /** `GET` path operation; the handler receives the declared `params`, typed. */
  get<P extends Record<string, Declaration> = Record<never, never>>(path: string, options: FunctionRouteOptions<P>, handler: Handler<P>): APIRoute {
    return this.apiRoute(path, ['GET'], options, handler);
  }
  /** `POST` path operation. */
  post<P extends Record<string, Declaration> = Record<never, never>>(path: string, options: FunctionRouteOptions<P>, handler: Handler<P>): APIRoute {
    return this.apiRoute(path, ['POST'], options, handler);
  }
  /** `PUT` path operation. */
  put<P extends Record<string, Declaration> = Record<never, never>>(path: string, options: FunctionRouteOptions<P>, handler: Handler<P>): APIRoute {
    return this.apiRoute(path, ['PUT'], options, handler);
  }
  /** `PATCH` path operation. */
  patch<P extends Record<string, Declaration> = Record<never, never>>(path: string, options: FunctionRouteOptions<P>, handler: Handler<P>): APIRoute {
    return this.apiRoute(path, ['PATCH'], options, handler);
  }
  /** `DELETE` path operation. */
  delete<P extends Record<string, Declaration> = Record<never, never>>(path: string, options: FunctionRouteOptions<P>, handler: Handler<P>): APIRoute {
    return this.apiRoute(path, ['DELETE'], options, handler);
  }
  /** `OPTIONS` path operation. */
  options<P extends Record<string, Declaration> = Record<never, never>>(path: string, options: FunctionRouteOptions<P>, handler: Handler<P>): APIRoute {
    return this.apiRoute(path, ['OPTIONS'], options, handler);
  }
  /** `HEAD` path operation. */
  head<P extends Record<string, Declaration> = Record<never, never>>(path: string, options: FunctionRouteOptions<P>, handler: Handler<P>): APIRoute {
    return this.apiRoute(path, ['HEAD'], options, handler);
  }
  /** A WebSocket route; the handler receives the declared `params` (declare `{ websocket: WebSocket }` to get the socket). */
  websocket<P extends Record<string, Declaration> = Record<never, never>>(
    path: string,
    options: { params?: P; name?: string; dependencies?: Declaration[] },
    handler: Handler<P>,
  ): APIWebSocketRoute {
    const { params, ...rest } = options;
    return this.addApiWebsocketRoute(path, { kind: 'function', params: params ?? {}, handler: handler as (values: never) => unknown }, rest);
  }

  /**
   * Adds the routes of a `@Controller` class (instantiated with `new Cls()`) or
   * of an instance of one, with the controller's prefix and options.
   */
  include(controller: object | (new () => object)): this {
    const instance = typeof controller === 'function' ? new (controller as new () => object)() : controller;
    const cls = (instance as object).constructor;
    if (!isControllerClass(cls)) throw new DeclarationError(`${cls?.name ?? String(controller)} is not a @Controller class`);
    const { prefix, options, routes } = controllerRoutes(cls);
    checkPrefix(prefix);
    for (const r of routes) {
      const source: RouteSource = { kind: 'method', instance, key: r.key };
      if (r.kind === 'websocket') {
        this.addApiWebsocketRoute(prefix + r.path, source, { name: r.options.name, dependencies: [...(options.dependencies ?? []), ...(r.options.dependencies ?? [])] });
        continue;
      }
      this.addApiRoute(prefix + r.path, source, r.methods, {
        ...r.options,
        name: r.options.name ?? r.key,
        tags: [...(options.tags ?? []), ...(r.options.tags ?? [])],
        dependencies: [...(options.dependencies ?? []), ...(r.options.dependencies ?? [])],
        responses: { ...(options.responses ?? {}), ...(r.options.responses ?? {}) },
        deprecated: r.options.deprecated ?? options.deprecated,
        includeInSchema: (r.options.includeInSchema ?? true) && (options.includeInSchema ?? true),
      });
    }
    return this;
  }

  /** Copies the routes of `router` into this one, with an extra prefix, tags, dependencies and responses (FastAPI's `include_router`). */
  includeRouter(router: APIRouter | Router, options: IncludeOptions = {}): this {
    const prefix = options.prefix ?? '';
    checkPrefix(prefix);
    for (const route of router.routes) {
      if (route instanceof APIRoute) {
        this.addApiRoute(prefix + route.path, route.source, [...route.methods], {
          ...route.options,
          name: route.name,
          tags: [...(options.tags ?? []), ...route.tags],
          dependencies: [...(options.dependencies ?? []), ...route.dependencies],
          responses: { ...(options.responses ?? {}), ...route.responses },
          deprecated: route.deprecated ?? options.deprecated,
          includeInSchema: route.includeInSchema && (options.includeInSchema ?? true),
          responseClass: route.options.responseClass ?? options.defaultResponseClass ?? route.responseClass,
        });
      } else if (route instanceof APIWebSocketRoute) {
        this.addApiWebsocketRoute(prefix + route.path, route.source, {
          name: route.name,
          dependencies: [...(options.dependencies ?? []), ...route.dependencies],
        });
      } else if (route instanceof Route) {
        this.routes.push(new Route(prefix + route.path, route.endpoint, { methods: route.methods ? [...route.methods] : null, name: route.name, includeInSchema: route.includeInSchema }));
      } else if (route instanceof WebSocketRoute) {
        this.routes.push(new WebSocketRoute(prefix + route.path, route.endpoint, { name: route.name }));
      } else {
        this.routes.push(route);
      }
    }
    return this;
  }
}
