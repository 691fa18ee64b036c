/**
 * starlette-ts: the Starlette toolkit on asgi-core. Every Response, Route, Router,
 * middleware and the app is an ASGI app (see `ASGIObject`).
 */
export { ASGIObject, isASGICallable, toASGIApp } from './asgi';
export type { ASGIAppLike, ASGICallable } from './asgi';
export * as status from './status';
export * from './errors';
export { HTTPException, WebSocketException } from './exceptions';
export { BackgroundTask, BackgroundTasks } from './background';
export type { TaskFunction } from './background';
export {
  Address,
  Headers,
  ImmutableMultiDict,
  MultiDict,
  MutableHeaders,
  QueryParams,
  State,
  URL,
  URLPath,
} from './datastructures';
export type { HeadersInit, URLComponents, URLReplace } from './datastructures';
export {
  HTMLResponse,
  JSONResponse,
  PlainTextResponse,
  RedirectResponse,
  Response,
  StreamingResponse,
  renderJSON,
} from './responses';
export type { CookieOptions, HeadersLike, ResponseOptions, StreamChunk, StreamContent } from './responses';
export { HTTPConnection, Request, readBody, withBody } from './requests';
export type { ConnectionScope } from './requests';
export { WebSocket, WebSocketClose, WebSocketDisconnect, WebSocketState } from './websockets';
export {
  CONVERTOR_TYPES,
  FloatConvertor,
  IntegerConvertor,
  PathConvertor,
  StringConvertor,
  UUIDConvertor,
  registerUrlConvertor,
} from './convertors';
export type { Convertor } from './convertors';
export {
  BaseRoute,
  Host,
  Match,
  Mount,
  Route,
  WebSocketRoute,
  isASGIEndpoint,
  requestResponse,
  websocketSession,
} from './routing';
export type { Endpoint, MatchResult, MountOptions, RouteOptions, WebSocketEndpoint, WebSocketRouteOptions } from './routing';
export { Router } from './router';
export type { RouterOptions } from './router';
export type { Lifespan, LifespanHooks } from './lifespan';
export { Middleware } from './middleware/index';
export type { MiddlewareClass, MiddlewareFactory } from './middleware/index';
export { ServerErrorMiddleware } from './middleware/errors';
export type { ServerErrorMiddlewareOptions } from './middleware/errors';
export { ExceptionMiddleware, httpExceptionHandler, websocketExceptionHandler } from './middleware/exceptions';
export type {
  ErrorClass,
  ExceptionHandler,
  ExceptionHandlerKey,
  ExceptionHandlers,
  ExceptionMiddlewareOptions,
} from './middleware/exceptions';
export { Starlette } from './applications';
export type { StarletteOptions } from './applications';
export { TestClient, TestResponse, WebSocketDenialResponse, WebSocketTestSession } from './testclient';
export type { FileInput, TestClientOptions, TestRequestOptions } from './testclient';
// Files, forms, SSE, static files and the optional middleware.
export { FormData, UploadFile } from './uploads';
export type { UploadFileOptions } from './uploads';
export { parseForm } from './formparsers';
export type { FormHeaders, FormParseOptions, FormSource } from './formparsers';
export { FileResponse, fileValidators } from './file-response';
export type { FileResponseOptions } from './file-response';
export { EventSourceResponse, ServerSentEvent } from './sse';
export type { EventContent, EventSeparator, EventSourceOptions, EventStream, ServerSentEventInit } from './sse';
export { StaticFiles } from './staticfiles';
export type { StaticFilesOptions } from './staticfiles';
export { CORSMiddleware } from './middleware/cors';
export type { CORSOptions } from './middleware/cors';
export { GZipMiddleware } from './middleware/gzip';
export type { GZipOptions } from './middleware/gzip';
export { TrustedHostMiddleware } from './middleware/trustedhost';
export type { TrustedHostOptions } from './middleware/trustedhost';
export { HTTPSRedirectMiddleware } from './middleware/httpsredirect';
export { SessionMiddleware, clearSession } from './middleware/sessions';
export type { Session, SessionOptions } from './middleware/sessions';
