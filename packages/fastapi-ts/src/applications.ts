/**
 * The `FastAPI` application: a Starlette app whose router is an
 * `APIRouter`, with FastAPI's metadata (title, version, ... read by the
 * OpenAPI generator), its default exception handlers (`{"detail": ...}`
 * JSON, 422 validation errors), app-wide dependencies, `dependencyOverrides`
 * and the request body limit.
 */
import type { Receive, Scope, Send } from 'asgi-core';
import { HTTPException as StarletteHTTPException, Starlette, type BaseRoute, type Response, type Router, type StarletteOptions } from 'starlette-ts';
import { WebSocketRequestValidationError, RequestValidationError } from './errors';
import { httpExceptionHandler, requestValidationExceptionHandler, websocketRequestValidationExceptionHandler } from './exception-handlers';
import { DEFAULT_MAX_BODY_SIZE } from './internal/request-handler';
import type { Declaration, Values } from './params';
import { APIRouter, type APIRoute, type APIWebSocketRoute, type FunctionRouteOptions, type IncludeOptions, type ResponsesSpec } from './routing';
import { setupDocs, type DocsAssetUrls } from './docs';
import { getAppOpenapi } from './openapi/app';
import type { Contact, ExternalDocumentation, License, OpenAPIObject, Server, Tag } from './openapi/models';

/** Options of {@link FastAPI}, FastAPI's constructor arguments in camelCase. */
export interface FastAPIOptions extends StarletteOptions<FastAPI> {
  title?: string;
  summary?: string;
  description?: string;
  version?: string;
  /** Where the OpenAPI document is served (`null` disables it and the docs pages). */
  openapiUrl?: string | null;
  openapiTags?: Tag[];
  servers?: Server[];
  /** Swagger UI (`null` disables it). */
  docsUrl?: string | null;
  /** ReDoc (`null` disables it). */
  redocUrl?: string | null;
  swaggerUiOauth2RedirectUrl?: string | null;
  swaggerUiInitOAuth?: Record<string, unknown>;
  swaggerUiParameters?: Record<string, unknown>;
  /** Where the docs pages load their scripts from: `'local'` (default, served by the app), `'cdn'`, or URLs. */
  docsAssets?: 'local' | 'cdn' | Partial<DocsAssetUrls>;
  termsOfService?: string;
  contact?: Contact;
  licenseInfo?: License;
  /** Dependencies run for every path operation of the app. */
  dependencies?: Declaration[];
  defaultResponseClass?: typeof Response;
  responses?: ResponsesSpec;
  /** The path prefix the app is served under behind a proxy (set in `scope.root_path`). */
  rootPath?: string;
  rootPathInServers?: boolean;
  redirectSlashes?: boolean;
  deprecated?: boolean;
  includeInSchema?: boolean;
  separateInputOutputSchemas?: boolean;
  openapiExternalDocs?: ExternalDocumentation;
  /**
   * The largest request body (bytes) a path operation reads; larger bodies get
   * 413 `{"detail":"Request body too large"}`. Default 1 MiB.
   */
  maxBodySize?: number;
}

type Handler<P> = (values: Values<P>) => unknown;
type Params = Record<string, Declaration>;

/**
 * A FastAPI application.
 *
 * @example
 * const app = new FastAPI({ title: 'Inventory' });
 * app.include(ItemsController);
 * app.get('/hello', {}, () => ({ message: 'Hello World' }));
 */
export class FastAPI extends Starlette {
  declare readonly router: APIRouter;
  title: string;
  summary: string | undefined;
  description: string;
  version: string;
  openapiUrl: string | null;
  openapiTags: Tag[] | undefined;
  servers: Server[];
  docsUrl: string | null;
  redocUrl: string | null;
  swaggerUiOauth2RedirectUrl: string | null;
  swaggerUiInitOAuth: Record<string, unknown> | undefined;
  swaggerUiParameters: Record<string, unknown> | undefined;
  docsAssets: 'local' | 'cdn' | Partial<DocsAssetUrls>;
  termsOfService: string | undefined;
  contact: Contact | undefined;
  licenseInfo: License | undefined;
  rootPath: string;
  rootPathInServers: boolean;
  separateInputOutputSchemas: boolean;
  openapiExternalDocs: ExternalDocumentation | undefined;
  /** The largest request body, in bytes (413 above it). */
  maxBodySize: number;
  /** Replacements for dependencies, looked up per request: `app.dependencyOverrides.set(getDb, fakeDb)`. */
  readonly dependencyOverrides = new Map<unknown, unknown>();
  /** The OpenAPI document, once generated (FastAPI's `openapi_schema`). */
  openapiSchema: OpenAPIObject | null = null;

  constructor(options: FastAPIOptions = {}) {
    super({ ...options, routes: undefined } as StarletteOptions);
    (this as { router: Router }).router = new APIRouter({
      routes: options.routes,
      lifespan: options.lifespan as never,
      redirectSlashes: options.redirectSlashes ?? true,
      dependencies: options.dependencies,
      responses: options.responses,
      deprecated: options.deprecated,
      includeInSchema: options.includeInSchema ?? true,
      defaultResponseClass: options.defaultResponseClass,
    });
    this.title = options.title ?? 'FastAPI';
    this.summary = options.summary;
    this.description = options.description ?? '';
    this.version = options.version ?? '0.1.0';
    this.openapiUrl = options.openapiUrl === undefined ? '/openapi.json' : options.openapiUrl;
    this.openapiTags = options.openapiTags;
    this.servers = [...(options.servers ?? [])];
    this.docsUrl = options.docsUrl === undefined ? '/docs' : options.docsUrl;
    this.redocUrl = options.redocUrl === undefined ? '/redoc' : options.redocUrl;
    this.swaggerUiOauth2RedirectUrl = options.swaggerUiOauth2RedirectUrl === undefined ? '/docs/oauth2-redirect' : options.swaggerUiOauth2RedirectUrl;
    this.swaggerUiInitOAuth = options.swaggerUiInitOAuth;
    this.docsAssets = options.docsAssets ?? 'local';
    this.swaggerUiParameters = options.swaggerUiParameters;
    this.termsOfService = options.termsOfService;
    this.contact = options.contact;
    this.licenseInfo = options.licenseInfo;
    this.rootPath = options.rootPath ?? '';
    this.rootPathInServers = options.rootPathInServers ?? true;
    this.separateInputOutputSchemas = options.separateInputOutputSchemas ?? true;
    this.openapiExternalDocs = options.openapiExternalDocs;
    this.maxBodySize = options.maxBodySize ?? DEFAULT_MAX_BODY_SIZE;
    if (this.openapiUrl !== null && this.openapiUrl !== '' && !this.openapiUrl.startsWith('/')) {
      throw new TypeError(`openapiUrl must start with '/', got "${this.openapiUrl}"`);
    }
    // FastAPI's defaults, unless the user gave handlers for these classes.
    for (const [key, handler] of [
      [StarletteHTTPException, httpExceptionHandler],
      [RequestValidationError, requestValidationExceptionHandler],
      [WebSocketRequestValidationError, websocketRequestValidationExceptionHandler],
    ] as const) {
      if (!this.exceptionHandlers.has(key)) this.exceptionHandlers.set(key, handler as never);
    }
    // ---- Docs and OpenAPI routes (FastAPI's `setup()`): `/openapi.json`, `/docs`, `/redoc`. ----
    setupDocs(this);
  }

  /** The OpenAPI document of the app, generated once and cached in `openapiSchema` (FastAPI's `app.openapi()`). */
  openapi(): OpenAPIObject {
    return getAppOpenapi(this);
  }

  /** Every route, included controllers' and routers' too (flattened, as FastAPI copies them on include). */
  override get routes(): BaseRoute[] {
    return this.router.routes;
  }

  override call(scope: Scope, receive: Receive, send: Send): Promise<void> {
    if (this.rootPath) scope.root_path = this.rootPath;
    return super.call(scope, receive, send);
  }

  /** Registers an exception handler (FastAPI's `app.exception_handler`), by status code or error class. */
  exceptionHandler(key: Parameters<Starlette['addExceptionHandler']>[0], handler: Parameters<Starlette['addExceptionHandler']>[1]): this {
    this.addExceptionHandler(key, handler);
    return this;
  }

  /** Adds the routes of a `@Controller` class or instance. */
  include(controller: object | (new () => object)): this {
    this.router.include(controller);
    return this;
  }

  /** Includes an APIRouter (its routes are copied with the extra prefix, tags, dependencies). */
  includeRouter(router: APIRouter | Router, options: IncludeOptions = {}): this {
    this.router.includeRouter(router, options);
    return this;
  }

  /** A functional path operation for several methods. */
  apiRoute<P extends Params = Record<never, never>>(path: string, methods: string[], options: FunctionRouteOptions<P>, handler: Handler<P>): APIRoute {
    return this.router.apiRoute(path, methods, options, handler);
  }
  /** `GET` path operation; the handler receives the declared `params`, typed. */
  get<P extends Params = Record<never, never>>(path: string, options: FunctionRouteOptions<P>, handler: Handler<P>): APIRoute {
    return this.router.get(path, options, handler);
  }
  /** `POST` path operation. */
  post<P extends Params = Record<never, never>>(path: string, options: FunctionRouteOptions<P>, handler: Handler<P>): APIRoute {
    return this.router.post(path, options, handler);
  }
  /** `PUT` path operation. */
  put<P extends Params = Record<never, never>>(path: string, options: FunctionRouteOptions<P>, handler: Handler<P>): APIRoute {
    return this.router.put(path, options, handler);
  }
  /** `PATCH` path operation. */
  patch<P extends Params = Record<never, never>>(path: string, options: FunctionRouteOptions<P>, handler: Handler<P>): APIRoute {
    return this.router.patch(path, options, handler);
  }
  /** `DELETE` path operation. */
  delete<P extends Params = Record<never, never>>(path: string, options: FunctionRouteOptions<P>, handler: Handler<P>): APIRoute {
    return this.router.delete(path, options, handler);
  }
  /** `OPTIONS` path operation. */
  options<P extends Params = Record<never, never>>(path: string, options: FunctionRouteOptions<P>, handler: Handler<P>): APIRoute {
    return this.router.options(path, options, handler);
  }
  /** `HEAD` path operation. */
  head<P extends Params = Record<never, never>>(path: string, options: FunctionRouteOptions<P>, handler: Handler<P>): APIRoute {
    return this.router.head(path, options, handler);
  }
  /** A WebSocket route with parameters and dependencies. */
  websocket<P extends Params = Record<never, never>>(path: string, options: { params?: P; name?: string; dependencies?: Declaration[] }, handler: Handler<P>): APIWebSocketRoute {
    return this.router.websocket(path, options, handler);
  }
}
