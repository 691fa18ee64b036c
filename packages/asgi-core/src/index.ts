/**
 * asgi-core: the ASGI 3 contract in TypeScript and a uvicorn-class server on node:http.
 */
export type * from './types';
export { ACCEPTS_TEXT } from './types';
export { serve, Server } from './server';
export type { ServerHandle } from './server';
export { resolveConfig } from './config';
export type { LifespanMode, ResolvedConfig, ServerOptions } from './config';
export { Lifespan } from './lifespan';
export {
  ASGICoreError,
  AppLoadError,
  BindError,
  ClientDisconnectedError,
  ConfigError,
  ContentTooLongError,
  ContentTooShortError,
  InvalidHeaderError,
  InvalidMessageError,
  LifespanProtocolError,
  LifespanStartupError,
  ProtocolError,
  ResponseAlreadyCompletedError,
  ResponseAlreadyStartedError,
  ResponseNotStartedError,
  UnexpectedMessageError,
} from './errors';
export { ProxyHeadersMiddleware, TrustedHosts } from './middleware/proxy-headers';
export type { ProxyHeadersOptions } from './middleware/proxy-headers';
export { Logger, consoleSink, isLogLevel, quotePath } from './logging';
export type { LogLevel, LogSink, LoggerOptions } from './logging';
