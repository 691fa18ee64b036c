/**
 * The ASGI server on node:http (uvicorn's `Server` + protocol classes): HTTP/1.1
 * keep-alive and pipelining from node, an explicit cycle per request, WebSocket
 * upgrades, lifespan, limits, timeouts and graceful shutdown.
 */
import { createServer, type IncomingMessage, type Server as HTTPServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { resolveConfig, type ResolvedConfig, type ServerOptions } from './config';
import { BindError } from './errors';
import { HTTPCycle, type CycleHost } from './internal/http-cycle';
import { LinkedSet } from './internal/linked-set';
import { ASGIRequest, ASGIResponse } from './internal/node-objects';
import { ASGI_INFO, decodePath, localAddress, remoteAddress, splitTarget } from './internal/scope';
import { answerClientError, rejectBadRequest, serviceUnavailable } from './internal/responses';
import { createWebSocketServer, isValidHandshake, WebSocketConnection, writeRawResponse, type WebSocketHost } from './internal/websocket';
import { Lifespan } from './lifespan';
import type { Logger } from './logging';
import { ProxyHeadersMiddleware } from './middleware/proxy-headers';
import type { Address, ASGIApp, Extensions, Header, HTTPScope, WebSocketScope } from './types';

/** A running server, as returned by {@link serve}. */
export interface ServerHandle {
  /** The bound address: `{ address, family, port }`, or the unix socket path. */
  readonly address: AddressInfo | string;
  /** `http://host:port` (or `http+unix://...` for a unix socket). */
  readonly url: string;
  /** The underlying server object. */
  readonly server: Server;
  /** Graceful shutdown: stop accepting, finish in-flight requests, run lifespan shutdown. */
  close(): Promise<void>;
  /** Resolves once the server has shut down (by `close()`, a signal or `limitMaxRequests`). */
  readonly closed: Promise<void>;
}

const HTTP_EXTENSIONS: Extensions = Object.freeze({
  'http.response.trailers': Object.freeze({}) as Record<string, never>,
  'http.response.pathsend': Object.freeze({}) as Record<string, never>,
}) as Extensions;
const WEBSOCKET_EXTENSIONS: Extensions = Object.freeze({
  'websocket.http.response': Object.freeze({}) as Record<string, never>,
}) as Extensions;

/** What the server keeps per connection, for the keep-alive timeout and the scope's addresses. */
class Connection {
  /** Requests of this connection whose app has not settled yet. */
  inFlight = 0;
  /** When the connection last went quiet (ms), or -1 before its first answered request. */
  idleSince = -1;
  /** `bytesRead` at the last heartbeat (-1: not looked at since the last request settled). */
  bytesSeen = -1;
  /** Handed over to a WebSocket: its pings, not this timeout, watch it. */
  upgraded = false;
  /** `[client, server]`, looked up once. */
  addresses: [Address | null, Address | null] | null = null;
}

const kConnection = Symbol('asgi-core.connection');
type TrackedSocket = Socket & { [kConnection]: Connection };

/**
 * The keep-alive timeout, asked at each heartbeat (uvicorn's `timeout_keep_alive`): closes a
 * connection that has had no request in flight, nothing left to write and no bytes read for
 * `keepAliveMs` since its last request settled. Bytes of a next request restart the time, as they
 * cancel uvicorn's timer; a request head that never completes is `timeoutHeaders`' business.
 */
function closeIfIdle(socket: TrackedSocket, now: number, keepAliveMs: number): void {
  const connection = socket[kConnection];
  if (connection.idleSince < 0 || connection.inFlight > 0 || connection.upgraded) return;
  const read = socket.bytesRead;
  const seen = connection.bytesSeen;
  connection.bytesSeen = read;
  if ((seen !== -1 && read !== seen) || socket.writableLength > 0) connection.idleSince = now;
  else if (now - connection.idleSince >= keepAliveMs) socket.destroy();
}

/**
 * Runs an ASGI app over HTTP/1.1 and WebSocket.
 *
 * @example
 * const server = new Server(app, { port: 0 });
 * await server.start();
 * // ...
 * await server.close();
 */
export class Server implements CycleHost, WebSocketHost {
  /** Options with defaults applied. */
  readonly config: ResolvedConfig;
  /** The server's logger. */
  readonly logger: Logger;
  /** The app's lifespan (its `state` is copied into every scope). */
  readonly lifespan: Lifespan;
  /** The ws server (noServer mode) that performs accepted upgrades. */
  readonly wss: WebSocketServer;
  /** True once graceful shutdown began. */
  shuttingDown = false;
  /** Requests answered so far. */
  totalRequests = 0;
  /** Resolves when shutdown completed. */
  readonly closed: Promise<void>;

  readonly pingInterval: number;
  readonly pingTimeout: number;

  private readonly app: ASGIApp;
  private readonly http: HTTPServer<typeof ASGIRequest, typeof ASGIResponse>;
  private readonly cycles = new LinkedSet<HTTPCycle>();
  private readonly websockets = new Set<WebSocketConnection>();
  private readonly sockets = new Set<TrackedSocket>();
  private closing: Promise<void> | null = null;
  private started = false;
  private markClosed: () => void = () => {};
  private idleWaiter: (() => void) | null = null;
  private signalHandler: ((signal: NodeJS.Signals) => void) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(app: ASGIApp, options: ServerOptions = {}) {
    this.config = resolveConfig(options);
    this.logger = this.config.logger;
    this.app = this.config.proxyHeaders ? ProxyHeadersMiddleware(app, { trustedHosts: this.config.forwardedAllowIps }) : app;
    this.lifespan = new Lifespan(app, this.config.lifespan, this.logger);
    this.pingInterval = this.config.wsPingInterval;
    this.pingTimeout = this.config.wsPingTimeout;
    this.wss = createWebSocketServer({ maxPayload: this.config.wsMaxSize, perMessageDeflate: this.config.wsPerMessageDeflate });
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
    this.http = createServer({
      IncomingMessage: ASGIRequest,
      ServerResponse: ASGIResponse,
      maxHeaderSize: this.config.maxHeaderSize,
      // The keep-alive timeout runs on the heartbeat: node's would re-arm a timer on the socket twice per request
      // (and advertise `Keep-Alive: timeout=N`, which uvicorn does not send).
      keepAliveTimeout: 0,
      headersTimeout: this.config.timeoutHeaders * 1000,
      requestTimeout: 0, // uvicorn has no whole-request deadline; slow uploads are fine
      connectionsCheckingInterval: Math.min(1000, this.config.timeoutHeaders * 1000),
      // node's own Host check answers an empty chunked 400; handleRequest answers it with the usual body instead.
      requireHostHeader: false,
    });
    this.http.on('request', (req: ASGIRequest, res: ASGIResponse) => this.handleRequest(req, res, false));
    this.http.on('checkContinue', (req: ASGIRequest, res: ASGIResponse) => this.handleRequest(req, res, true));
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.handleUpgrade(req, socket, head));
    this.http.on('clientError', (error: Error & { code?: string }, socket: Duplex) => answerClientError(error, socket, this.logger));
    this.http.on('connection', (socket: Socket) => this.trackConnection(socket as TrackedSocket));
  }

  /** The bound address (after {@link start}). */
  get address(): AddressInfo | string {
    const address = this.http.address();
    if (address === null) throw new Error('Server is not listening: call start() first.');
    return address;
  }

  /** The base URL of the listening server. */
  get url(): string {
    const address = this.address;
    if (typeof address === 'string') return `http+unix://${encodeURIComponent(address)}`;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /** Number of requests and websocket sessions in progress. */
  get inFlight(): number {
    return this.cycles.size + this.websockets.size;
  }

  /**
   * Runs lifespan startup, then listens. Rejects with `LifespanStartupError`
   * (nothing bound) or `BindError` (lifespan shutdown already run).
   */
  async start(): Promise<void> {
    if (this.started) throw new Error('Server already started.');
    this.started = true;
    this.logger.info(`Started server process [${process.pid}]`);
    await this.lifespan.startup();
    const config = this.config;
    try {
      await new Promise<void>((resolve, reject) => {
        this.http.once('error', reject);
        const done = () => {
          this.http.removeListener('error', reject);
          resolve();
        };
        if (config.uds !== null) this.http.listen(config.uds, done);
        else this.http.listen(config.port, config.host, done);
      });
    } catch (error) {
      const where = config.uds ?? `${config.host}:${config.port}`;
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'EADDRINUSE' ? 'address already in use' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
      this.logger.error(`Could not bind to ${where}: ${reason}`);
      await this.lifespan.shutdown();
      this.markClosed();
      throw new BindError(where, code ? `${reason} (${code})` : reason, { cause: error });
    }
    this.logger.info(
      config.uds !== null
        ? `asgi-core running on unix socket ${config.uds} (Press CTRL+C to quit)`
        : `asgi-core running on ${this.url} (Press CTRL+C to quit)`,
    );
    if (config.handleSignals) this.installSignalHandlers();
    this.startHeartbeat();
  }

  /**
   * Graceful shutdown (uvicorn's order): stop accepting, close idle keep-alive
   * connections, let in-flight requests finish (up to `timeoutGracefulShutdown`),
   * close websockets with 1012, then run lifespan shutdown.
   */
  close(): Promise<void> {
    if (this.closing === null) this.closing = this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.shuttingDown = true;
    this.logger.info('Shutting down');
    const listening = this.http.listening;
    const serverClosed = new Promise<void>((resolve) => (listening ? this.http.close(() => resolve()) : resolve()));
    this.http.closeIdleConnections();
    for (const connection of this.websockets) connection.shutdown();
    if (this.inFlight > 0) this.logger.info('Waiting for connections to close. (CTRL+C to force quit)');
    const drained = Promise.all([serverClosed, this.waitIdle()]);
    const timeout = this.config.timeoutGracefulShutdown;
    let timer: NodeJS.Timeout | null = null;
    const forced = new Promise<'timeout'>((resolve) => {
      if (timeout !== null) timer = setTimeout(() => resolve('timeout'), timeout * 1000);
      this.forceShutdown = () => resolve('timeout');
    });
    const outcome = await Promise.race([drained, forced]);
    if (timer !== null) clearTimeout(timer);
    if (outcome === 'timeout') {
      this.logger.error(`Cancel ${this.inFlight} running task(s), timeout graceful shutdown exceeded`);
      for (const cycle of this.cycles) cycle.abort();
      for (const connection of this.websockets) connection.abort();
      this.http.closeAllConnections();
      await serverClosed;
    }
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    await this.lifespan.shutdown();
    this.removeSignalHandlers();
    this.logger.info(`Finished server process [${process.pid}]`);
    this.markClosed();
  }

  private forceShutdown: () => void = () => {};

  private waitIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => (this.idleWaiter = resolve));
  }

  private checkIdle(): void {
    if (this.idleWaiter !== null && this.inFlight === 0) {
      const resolve = this.idleWaiter;
      this.idleWaiter = null;
      resolve();
    }
  }

  private installSignalHandlers(): void {
    this.signalHandler = (signal) => {
      if (this.closing !== null) {
        if (signal === 'SIGINT') this.forceShutdown(); // a second Ctrl+C: stop waiting
        return;
      }
      void this.close();
    };
    process.on('SIGINT', this.signalHandler);
    process.on('SIGTERM', this.signalHandler);
  }

  private removeSignalHandlers(): void {
    if (this.signalHandler === null) return;
    process.removeListener('SIGINT', this.signalHandler);
    process.removeListener('SIGTERM', this.signalHandler);
    this.signalHandler = null;
  }

  /**
   * One coarse timer for the whole server (as Kestrel's heartbeat), so neither a body nor a
   * keep-alive connection costs a timer per request or per chunk. Each tick asks the cycles in
   * flight whether their body is below the minimum rate, and closes the connections that have been
   * quiet (no request in flight, nothing read, nothing left to write) for `timeoutKeepAlive`.
   */
  private startHeartbeat(): void {
    const rate = this.config.minRequestBodyRate;
    const graceMs = this.config.minRequestBodyRateGracePeriod * 1000;
    const keepAliveMs = this.config.timeoutKeepAlive * 1000;
    const tickMs = (ms: number) => Math.min(1000, Math.max(50, ms / 4));
    const check = () => {
      const now = Date.now();
      if (rate !== null) {
        for (const cycle of this.cycles) {
          if (!cycle.bodyTooSlow(now, rate, graceMs)) continue;
          this.logger.warning('Request body timeout: data arrived below the minimum rate.');
          cycle.timeOutBody();
        }
      }
      for (const socket of this.sockets) closeIfIdle(socket, now, keepAliveMs);
    };
    this.heartbeat = setInterval(check, Math.min(tickMs(keepAliveMs), rate === null ? 1000 : tickMs(graceMs)));
    this.heartbeat.unref();
  }

  // ---------------------------------------------------------------- requests

  /**
   * One `close` listener per connection, not one per request: the cycles still in flight on a closed
   * connection (a pipelined one waits detached from its response) learn that their client is gone.
   */
  private trackConnection(socket: TrackedSocket): void {
    const connection = new Connection();
    socket[kConnection] = connection;
    this.sockets.add(socket);
    socket.once('close', () => {
      this.sockets.delete(socket);
      if (connection.inFlight === 0) return;
      for (const cycle of this.cycles) if (cycle.req.socket === socket) cycle.connectionClosed();
    });
  }

  private addresses(socket: TrackedSocket): [Address | null, Address | null] {
    const connection = socket[kConnection];
    return (connection.addresses ??= [remoteAddress(socket), localAddress(socket, this.config.uds)]);
  }

  private handleRequest(req: ASGIRequest, res: ASGIResponse, expectContinue: boolean): void {
    const raw = req.rawHeaders;
    const headers: Header[] = new Array(raw.length >> 1);
    let bodyLength = 0; // Content-Length, -1 when chunked
    let hasHost = false;
    let codings: string | null = null;
    for (let i = 0, j = 0; i < raw.length; i += 2, j++) {
      const name = raw[i].toLowerCase();
      const value = raw[i + 1];
      headers[j] = [name, value];
      if (name === 'content-length') {
        if (bodyLength === 0) bodyLength = Number(value); // a chunked body (-1) keeps its unknown length
      } else if (name === 'host') hasHost = true;
      else if (name === 'transfer-encoding') {
        bodyLength = -1;
        codings = codings === null ? value : `${codings},${value}`;
      }
    }
    // RFC 9112 §3.2: an HTTP/1.1 request without Host MUST be answered 400 (as h11 does in uvicorn).
    // (Checked on rawHeaders: req.headers is built lazily and would cost an object per request.)
    if (!hasHost && req.httpVersionMajor === 1 && req.httpVersionMinor === 1) {
      this.logger.warning('Invalid HTTP request received.');
      rejectBadRequest(res);
      return;
    }
    // RFC 9112 §6.1: when chunked is not the final coding the body length is unknowable; llhttp reports it
    // right after this head (node's clientError then answers 400), so the app must not see the request at all.
    if (codings !== null && codings.slice(codings.lastIndexOf(',') + 1).trim().toLowerCase() !== 'chunked') {
      setImmediate(() => {
        if (res.headersSent || res.socket === null || res.socket.destroyed) return;
        this.logger.warning('Invalid HTTP request received.');
        rejectBadRequest(res);
      });
      return;
    }
    const target = splitTarget(req.url ?? '/');
    const socket = req.socket as TrackedSocket;
    const [client, server] = this.addresses(socket);
    const scope: HTTPScope = {
      type: 'http',
      asgi: ASGI_INFO,
      http_version: req.httpVersion === '1.0' ? '1.0' : '1.1',
      method: req.method as string,
      scheme: 'http',
      path: this.config.rootPath + decodePath(target.rawPath),
      raw_path: this.config.rootPath + target.rawPath,
      query_string: target.query,
      root_path: this.config.rootPath,
      headers,
      client,
      server,
      state: { ...this.lifespan.state },
      extensions: HTTP_EXTENSIONS,
    };
    const cycle = new HTTPCycle(scope, req, res, this, bodyLength, expectContinue);
    this.cycles.add(cycle);
    socket[kConnection].inFlight++;
    const limit = this.config.limitConcurrency;
    if (limit !== null && (this.sockets.size > limit || this.cycles.size > limit)) {
      this.logger.warning('Exceeded concurrency limit.');
      cycle.run(serviceUnavailable);
    } else {
      cycle.run(this.app);
    }
  }

  /** Called by each cycle when its app settled. */
  cycleDone(cycle: HTTPCycle): void {
    this.cycles.delete(cycle);
    // Optional: this runs in the cycle's settle handler, where a throw would escape as an unhandled rejection.
    const connection = (cycle.req.socket as TrackedSocket | null)?.[kConnection];
    if (connection !== undefined && --connection.inFlight === 0) {
      connection.idleSince = Date.now();
      connection.bytesSeen = -1;
    }
    this.totalRequests++;
    const max = this.config.limitMaxRequests;
    if (max !== null && this.totalRequests >= max && this.closing === null) {
      this.logger.info(`Maximum request limit of ${max} exceeded. Terminating process.`);
      void this.close();
    }
    if (this.shuttingDown) {
      // The response may still be flushing: close its connection once node is done with it.
      const res = cycle.res;
      if (res.writableFinished || res.destroyed) setImmediate(() => this.http.closeIdleConnections());
      else res.once('finish', () => setImmediate(() => this.http.closeIdleConnections()));
      this.checkIdle();
    }
  }

  // --------------------------------------------------------------- websocket

  private handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    (socket as TrackedSocket)[kConnection].upgraded = true;
    const upgrade = req.headers.upgrade;
    if (typeof upgrade !== 'string' || upgrade.toLowerCase() !== 'websocket') {
      this.logger.warning('Unsupported upgrade request.');
      writeRawResponse(socket, 400, ['content-type', 'text/plain; charset=utf-8'], Buffer.from('Unsupported upgrade request.'));
      return;
    }
    if (!isValidHandshake(req)) {
      this.logger.warning('Invalid WebSocket handshake.');
      writeRawResponse(socket, 400, ['content-type', 'text/plain; charset=utf-8'], Buffer.from('Invalid WebSocket handshake.'));
      return;
    }
    if (this.shuttingDown) {
      writeRawResponse(socket, 503, ['content-type', 'text/plain; charset=utf-8'], Buffer.from('Service Unavailable'));
      return;
    }
    const raw = req.rawHeaders;
    const headers: Header[] = new Array(raw.length >> 1);
    const subprotocols: string[] = [];
    for (let i = 0, j = 0; i < raw.length; i += 2, j++) {
      const name = raw[i].toLowerCase();
      headers[j] = [name, raw[i + 1]];
      if (name === 'sec-websocket-protocol') {
        for (const token of raw[i + 1].split(',')) if (token.trim()) subprotocols.push(token.trim());
      }
    }
    const target = splitTarget(req.url ?? '/');
    const [client, server] = this.addresses(socket as TrackedSocket);
    const scope: WebSocketScope = {
      type: 'websocket',
      asgi: ASGI_INFO,
      http_version: req.httpVersion === '1.0' ? '1.0' : '1.1',
      scheme: 'ws',
      path: this.config.rootPath + decodePath(target.rawPath),
      raw_path: this.config.rootPath + target.rawPath,
      query_string: target.query,
      root_path: this.config.rootPath,
      headers,
      client,
      server,
      subprotocols,
      state: { ...this.lifespan.state },
      extensions: WEBSOCKET_EXTENSIONS,
    };
    const connection = new WebSocketConnection(scope, req, socket, head, this);
    this.websockets.add(connection);
    void connection.run(this.app);
  }

  /** Called by each websocket connection when its app settled. */
  websocketDone(connection: WebSocketConnection): void {
    this.websockets.delete(connection);
    this.checkIdle();
  }
}

/**
 * Starts a server for `app` (lifespan startup, then listen) and returns its handle.
 *
 * @example
 * const handle = await serve(app, { port: 0 });
 * console.log(handle.url);
 * await handle.close();
 */
export async function serve(app: ASGIApp, options: ServerOptions = {}): Promise<ServerHandle> {
  const server = new Server(app, options);
  await server.start();
  return {
    address: server.address,
    url: server.url,
    server,
    close: () => server.close(),
    closed: server.closed,
  };
}
