/**
 * Server options (uvicorn's `Config`, camel-cased) and their defaults.
 * Times are in seconds, as on uvicorn's command line.
 */
import { ConfigError } from './errors';
import { Logger, type LogLevel, type LogSink } from './logging';

/** How the lifespan protocol is used: `auto` tolerates apps without it, `on` makes failures fatal, `off` skips it. */
export type LifespanMode = 'auto' | 'on' | 'off';

/** Options of {@link serve} and {@link Server}. */
export interface ServerOptions {
  /** Interface to bind (default `127.0.0.1`). */
  host?: string;
  /** Port to bind (default 8000; 0 picks a free one). */
  port?: number;
  /** Bind to this unix domain socket path instead of host/port. */
  uds?: string;
  /** The ASGI `root_path` of every scope: the prefix under which a proxy mounts the app. */
  rootPath?: string;
  /** Lifespan mode (default `auto`). */
  lifespan?: LifespanMode;
  /** Trust `X-Forwarded-For`/`X-Forwarded-Proto` from `forwardedAllowIps` (default false here; the CLI flag turns it on). */
  proxyHeaders?: boolean;
  /** Comma-separated IPs/CIDRs (or `*`) whose proxy headers are trusted (default `127.0.0.1`). */
  forwardedAllowIps?: string | string[];
  /** Close idle keep-alive connections after this many seconds (default 5, as uvicorn). */
  timeoutKeepAlive?: number;
  /** Answer 408 when a client takes longer than this many seconds to send the request headers (default 60). */
  timeoutHeaders?: number;
  /** Seconds to wait for in-flight requests on shutdown before closing them (default: wait forever). */
  timeoutGracefulShutdown?: number | null;
  /**
   * Minimum request-body data rate in bytes per second (default 240, as Kestrel's
   * `MinRequestBodyDataRate`; `null` or 0 disables). Only the time the app spends
   * waiting in `receive()` for body bytes counts, so an app that reads slowly is
   * never the client's fault. Once that time passes
   * {@link ServerOptions.minRequestBodyRateGracePeriod} and fewer than
   * `rate × time` bytes arrived, the request is answered `408 Request Timeout`
   * (or, if the response already started, its connection is closed) and the
   * app's `receive()` returns `http.disconnect`. Guards against clients that
   * trickle a body to hold a connection and an app call open.
   */
  minRequestBodyRate?: number | null;
  /** Seconds of body waiting before {@link ServerOptions.minRequestBodyRate} is enforced (default 5, as Kestrel). */
  minRequestBodyRateGracePeriod?: number;
  /** Answer 503 once this many connections or requests are open (default: no limit). */
  limitConcurrency?: number | null;
  /** Shut down after this many requests (a supervisor replaces the worker; default: no limit). */
  limitMaxRequests?: number | null;
  /** Largest request head in bytes before answering 431 (default 16384, Node's default). */
  maxHeaderSize?: number;
  /** Largest WebSocket message in bytes (default 16 MiB, as uvicorn's `ws_max_size`). */
  wsMaxSize?: number;
  /** Seconds between WebSocket pings (default 20; 0 disables). */
  wsPingInterval?: number;
  /** Seconds to wait for a pong before closing the WebSocket with 1011 (default 20). */
  wsPingTimeout?: number;
  /**
   * Negotiate permessage-deflate with WebSocket clients. Default false, unlike uvicorn: with `ws`,
   * negotiating it cut small-message echo throughput to ~0.3x (docs/benchmarks.md), and `ws` itself
   * leaves it off on servers for that reason. Turn it on for large, compressible messages.
   */
  wsPerMessageDeflate?: boolean;
  /** Minimum log level (default `info`); ignored when `logger` is given. */
  logLevel?: LogLevel;
  /** Write access lines (default true); ignored when `logger` is given. */
  accessLog?: boolean;
  /** Where log lines go; ignored when `logger` is given. */
  logSink?: LogSink;
  /** A ready logger (tests inject one to capture output). */
  logger?: Logger;
  /** Install SIGINT/SIGTERM handlers that shut the server down gracefully (the CLI sets this). */
  handleSignals?: boolean;
}

/** {@link ServerOptions} with every default applied. */
export interface ResolvedConfig {
  host: string;
  port: number;
  uds: string | null;
  rootPath: string;
  lifespan: LifespanMode;
  proxyHeaders: boolean;
  forwardedAllowIps: string | string[];
  timeoutKeepAlive: number;
  timeoutHeaders: number;
  timeoutGracefulShutdown: number | null;
  minRequestBodyRate: number | null;
  minRequestBodyRateGracePeriod: number;
  limitConcurrency: number | null;
  limitMaxRequests: number | null;
  maxHeaderSize: number;
  wsMaxSize: number;
  wsPingInterval: number;
  wsPingTimeout: number;
  wsPerMessageDeflate: boolean;
  logger: Logger;
  handleSignals: boolean;
}

function positive(name: string, value: number | null | undefined, fallback: number | null, allowZero = false): number | null {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new ConfigError(`Option ${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${String(value)}.`);
  }
  return value;
}

/** Applies defaults and validates `options`; throws {@link ConfigError} on a bad value. */
export function resolveConfig(options: ServerOptions = {}): ResolvedConfig {
  const lifespan = options.lifespan ?? 'auto';
  if (lifespan !== 'auto' && lifespan !== 'on' && lifespan !== 'off') {
    throw new ConfigError(`Option lifespan must be 'auto', 'on' or 'off', got '${String(lifespan)}'.`);
  }
  const port = options.port ?? 8000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`Option port must be an integer between 0 and 65535, got ${String(port)}.`);
  }
  const rootPath = options.rootPath ?? '';
  if (rootPath !== '' && (!rootPath.startsWith('/') || rootPath.endsWith('/'))) {
    throw new ConfigError(`Option rootPath must start with '/' and not end with '/', got '${rootPath}'.`);
  }
  const limitConcurrency = positive('limitConcurrency', options.limitConcurrency, null);
  const limitMaxRequests = positive('limitMaxRequests', options.limitMaxRequests, null);
  return {
    host: options.host ?? '127.0.0.1',
    port,
    uds: options.uds ?? null,
    rootPath,
    lifespan,
    proxyHeaders: options.proxyHeaders ?? false,
    forwardedAllowIps: options.forwardedAllowIps ?? '127.0.0.1',
    timeoutKeepAlive: positive('timeoutKeepAlive', options.timeoutKeepAlive, 5, true) as number,
    timeoutHeaders: positive('timeoutHeaders', options.timeoutHeaders, 60) as number,
    timeoutGracefulShutdown: positive('timeoutGracefulShutdown', options.timeoutGracefulShutdown, null, true),
    minRequestBodyRate:
      options.minRequestBodyRate === null ? null : positive('minRequestBodyRate', options.minRequestBodyRate, 240, true) || null,
    minRequestBodyRateGracePeriod: positive('minRequestBodyRateGracePeriod', options.minRequestBodyRateGracePeriod, 5) as number,
    limitConcurrency: limitConcurrency === null ? null : Math.floor(limitConcurrency),
    limitMaxRequests: limitMaxRequests === null ? null : Math.floor(limitMaxRequests),
    maxHeaderSize: positive('maxHeaderSize', options.maxHeaderSize, 16384) as number,
    wsMaxSize: positive('wsMaxSize', options.wsMaxSize, 16 * 1024 * 1024) as number,
    wsPingInterval: positive('wsPingInterval', options.wsPingInterval, 20, true) as number,
    wsPingTimeout: positive('wsPingTimeout', options.wsPingTimeout, 20, true) as number,
    wsPerMessageDeflate: options.wsPerMessageDeflate ?? false,
    logger:
      options.logger ??
      new Logger({ level: options.logLevel ?? 'info', accessLog: options.accessLog ?? true, sink: options.logSink }),
    handleSignals: options.handleSignals ?? false,
  };
}
