/**
 * fastapi-ts: FastAPI for TypeScript. Decorators and controllers, the
 * functional `app.get(...)` API, parameter declarations, zod models, the
 * dependency engine, FastAPI's validation errors, response models,
 * background tasks, OpenAPI 3.1 and local `/docs` + `/redoc`.
 */
import 'reflect-metadata';

export { FastAPI } from './applications';
export type { FastAPIOptions } from './applications';
export { APIRoute, APIRouter, APIWebSocketRoute, schemaOfModel } from './routing';
export type { APIRouterOptions, FunctionRouteOptions, IncludeOptions, ResponseModel, ResponsesSpec, RouteOptions, RouteSource } from './routing';
export { ApiRoute, Controller, Delete, Get, Head, Options, Patch, Post, Put, WebSocketRoute } from './decorators';
export type { ControllerOptions } from './decorators';
export { Body, Cookie, Depends, File, Form, Header, Path, Query, dependency } from './params';
export { UploadFileSchema } from './dependencies/utils';
export type {
  BodyOptions,
  Decl,
  Declaration,
  Dependency,
  DependencyValue,
  DependsOptions,
  FormFunction,
  UploadFileLike,
  HeaderOptions,
  ParamOptions,
  Resolved,
  Values,
} from './params';
export { Int, Model, fieldsSet, isModelClass } from './models';
export type { AnyModelClass, ModelClass } from './models';
export { BackgroundTasks } from './background';
export { SecurityScopes } from './security/scopes';
export { HTTPException, WebSocketException } from './exceptions';
export {
  DeclarationError,
  DependencySwallowedError,
  DependencyYieldError,
  FastAPIError,
  RequestValidationError,
  ResponseValidationError,
  ValidationError,
  WebSocketRequestValidationError,
} from './errors';
export type { ErrorDict } from './errors';
export {
  httpExceptionHandler,
  isBodyAllowedForStatusCode,
  requestValidationExceptionHandler,
  websocketRequestValidationExceptionHandler,
} from './exception-handlers';
export { jsonableEncoder } from './encoders';
export type { EncoderOptions, IncEx } from './encoders';
export type { Dependant, ParamField, ParamLocation, SecurityRequirement } from './dependencies/models';
export { getDependant } from './dependencies/utils';
export type { DependantNode } from './dependencies/utils';

export { getOpenapi, generateUniqueId } from './openapi/utils';
export { getAppOpenapi } from './openapi/app';
export { getRedocHtml, getSwaggerUiHtml, getSwaggerUiOauth2RedirectHtml, setupDocs } from './docs';
export type { OpenAPIObject } from './openapi/models';

// Starlette's names, re-exported as FastAPI does (`from fastapi import Request, Response, ...`).
export {
  EventSourceResponse,
  FileResponse,
  FormData,
  HTMLResponse,
  JSONResponse,
  ServerSentEvent,
  StaticFiles,
  UploadFile,
  PlainTextResponse,
  RedirectResponse,
  Request,
  Response,
  StreamingResponse,
  TestClient,
  WebSocket,
  WebSocketDisconnect,
  HTTPConnection,
  status,
} from 'starlette-ts';

// Security utilities (FastAPI's `fastapi.security` and `Security`).
export { Security } from './params';
export type { SecurityOptions } from './params';
export {
  APIKeyBase,
  APIKeyCookie,
  APIKeyHeader,
  APIKeyQuery,
  HTTPAuthorizationCredentials,
  HTTPBase,
  HTTPBasic,
  HTTPBasicCredentials,
  HTTPBearer,
  HTTPDigest,
  OAuth2,
  OAuth2AuthorizationCodeBearer,
  OAuth2PasswordBearer,
  OAuth2PasswordRequestForm,
  OAuth2PasswordRequestFormStrict,
  OpenIdConnect,
  SecurityBase,
  getAuthorizationSchemeParam,
} from './security';
export type {
  APIKeyIn,
  APIKeyOptions,
  Credential,
  HTTPBaseOptions,
  HTTPBasicOptions,
  HTTPBearerOptions,
  OAuth2AuthorizationCodeBearerOptions,
  OAuth2Options,
  OAuth2PasswordBearerOptions,
  OAuthFlow,
  OAuthFlows,
  OpenIdConnectOptions,
  SecurityBaseOptions,
} from './security';

// CPU-bound work on a worker-thread pool (FastAPI's threadpool for plain `def` endpoints, on piscina).
export { closeWorkerPool, configureWorkerPool, runInWorker, workerPoolStats } from './concurrency';
export type { WorkerPoolOptions } from './concurrency';

// The server, so an app needs no second import to run (`uvicorn.run(app)` in FastAPI's docs).
export { serve } from 'asgi-core';
export type { ServerHandle, ServerOptions } from 'asgi-core';
