/**
 * The ASGI websocket protocol on the `ws` package (no hand-written framing):
 * the handshake waits for the app (`websocket.accept`, a `websocket.close`
 * before accepting = 403, or a denial response through the
 * `websocket.http.response` extension), then messages flow both ways.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ClientDisconnectedError,
  InvalidMessageError,
  ResponseAlreadyCompletedError,
  UnexpectedMessageError,
} from '../errors';
import type { Logger } from '../logging';
import { quotePath } from '../logging';
import type {
  ASGIApp,
  Header,
  WebSocketReceiveMessage,
  WebSocketScope,
  WebSocketSendMessage,
} from '../types';
import { formatClient } from './scope';

/** What a websocket connection needs from its server. */
export interface WebSocketHost {
  readonly logger: Logger;
  readonly wss: WebSocketServer;
  readonly pingInterval: number;
  readonly pingTimeout: number;
  websocketDone(connection: WebSocketConnection): void;
}

const kAccept = Symbol('asgi-core.ws-accept');
type AcceptInfo = { subprotocol: string | null; headers: string[] };
type WithAccept = IncomingMessage & { [kAccept]?: AcceptInfo };

/** Creates the `ws` server used in noServer mode, wired to pass the app's subprotocol and headers. */
export function createWebSocketServer(options: { maxPayload: number; perMessageDeflate: boolean }): WebSocketServer {
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: options.maxPayload,
    perMessageDeflate: options.perMessageDeflate,
    handleProtocols: (_protocols, req) => (req as WithAccept)[kAccept]?.subprotocol || false,
  });
  wss.on('headers', (headers, req) => {
    const extra = (req as WithAccept)[kAccept]?.headers;
    if (extra) for (let i = 0; i < extra.length; i += 2) headers.push(`${extra[i]}: ${extra[i + 1]}`);
  });
  return wss;
}

const KEY = /^[+/0-9A-Za-z]{22}==$/;

/** Whether the upgrade request is a valid WebSocket opening handshake (RFC 6455 section 4.2.1). */
export function isValidHandshake(req: IncomingMessage): boolean {
  if (req.method !== 'GET') return false;
  const key = req.headers['sec-websocket-key'];
  const version = req.headers['sec-websocket-version'];
  return typeof key === 'string' && KEY.test(key.trim()) && (version === '13' || version === '8');
}

/** Writes a complete HTTP/1.1 response on a raw socket and closes it (no upgrade happens). */
export function writeRawResponse(socket: Duplex, status: number, headers: string[], body: Buffer): void {
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n`;
  let hasLength = false;
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i] === 'content-length') hasLength = true;
    if (headers[i] === 'connection') continue;
    head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  }
  if (!hasLength) head += `content-length: ${body.length}\r\n`;
  head += 'connection: close\r\n\r\n';
  if (socket.writable) socket.end(body.length ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1'));
  else socket.destroy();
}

/** One websocket connection: the ASGI `receive`/`send` pair over `ws`, with named state flags. */
export class WebSocketConnection {
  /** The app accepted (101 sent) or rejected (403 / denial response sent) the connection. */
  handshakeComplete = false;
  /** The app sent `websocket.close` (or the denial response finished). */
  closeSent = false;
  /** The connection is gone; `receive()` returns `websocket.disconnect` from now on. */
  disconnected = false;

  private ws: WebSocket | null = null;
  private readonly queue: WebSocketReceiveMessage[] = [{ type: 'websocket.connect' }];
  private waiter: ((message: WebSocketReceiveMessage) => void) | null = null;
  private denial: { status: number; headers: string[]; chunks: Buffer[] } | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private pongTimer: NodeJS.Timeout | null = null;
  private finalEvent: WebSocketReceiveMessage | null = null;
  private readonly onSocketClose = () => this.lostBeforeHandshake();

  constructor(
    readonly scope: WebSocketScope,
    private readonly req: IncomingMessage,
    private readonly socket: Duplex,
    private readonly head: Buffer,
    private readonly host: WebSocketHost,
  ) {
    socket.on('error', noop);
    socket.on('close', this.onSocketClose);
  }

  /** Runs the app; answers 500 if it fails or returns before the handshake, closes the socket after. */
  async run(app: ASGIApp): Promise<void> {
    try {
      await app(this.scope, () => this.receive(), (message) => this.send(message as WebSocketSendMessage));
      if (!this.handshakeComplete && !this.disconnected) {
        this.host.logger.error('ASGI callable returned without completing handshake.');
        this.reject(500, ['content-type', 'text/plain; charset=utf-8'], Buffer.from('Internal Server Error'));
      } else if (this.ws !== null && !this.closeSent && this.ws.readyState === 1) {
        this.ws.close(1000);
      }
    } catch (error) {
      if (!(error instanceof ClientDisconnectedError)) this.host.logger.error('Exception in ASGI application', error);
      if (!this.handshakeComplete && !this.disconnected) {
        if (this.denial !== null) this.socket.destroy();
        else this.reject(500, ['content-type', 'text/plain; charset=utf-8'], Buffer.from('Internal Server Error'));
      } else if (this.ws !== null && this.ws.readyState === 1) {
        this.ws.close(1011, 'Internal Error');
      }
    } finally {
      this.stopKeepalive();
      if (!this.handshakeComplete) this.socket.destroy();
      this.host.websocketDone(this);
    }
  }

  /** Server shutdown: close an open connection with 1012 (Service Restart). */
  shutdown(): void {
    if (this.ws !== null && this.ws.readyState === 1 && !this.closeSent) {
      this.closeSent = true;
      this.push({ type: 'websocket.disconnect', code: 1012, reason: '' }, true);
      this.ws.close(1012);
    }
  }

  /** Shutdown timed out: drop the connection. */
  abort(): void {
    this.disconnected = true;
    this.push({ type: 'websocket.disconnect', code: 1006, reason: '' }, true);
    if (this.ws !== null) this.ws.terminate();
    else this.socket.destroy();
  }

  // ------------------------------------------------------------------ receive

  private push(message: WebSocketReceiveMessage, final = false): void {
    if (this.finalEvent !== null) return;
    if (final) this.finalEvent = message;
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      waiter(message);
      return;
    }
    if (!final) {
      this.queue.push(message);
      // The app is not reading: stop reading frames until it catches up (backpressure).
      if (this.ws !== null && this.queue.length > 0) this.ws.pause();
    }
  }

  private receive(): Promise<WebSocketReceiveMessage> {
    const next = this.queue.shift();
    if (next !== undefined) {
      if (this.queue.length === 0 && this.ws !== null && this.ws.isPaused) this.ws.resume();
      return Promise.resolve(next);
    }
    if (this.finalEvent !== null) return Promise.resolve(this.finalEvent);
    if (this.ws !== null && this.ws.isPaused) this.ws.resume();
    return new Promise((resolve) => (this.waiter = resolve));
  }

  private lostBeforeHandshake(): void {
    if (this.ws !== null) return;
    this.disconnected = true;
    this.push({ type: 'websocket.disconnect', code: 1006, reason: '' }, true);
  }

  // --------------------------------------------------------------------- send

  private async send(message: WebSocketSendMessage): Promise<void> {
    const type = message?.type;
    if (!this.handshakeComplete && this.denial === null) {
      if (this.disconnected) throw new ClientDisconnectedError();
      switch (type) {
        case 'websocket.accept':
          return this.accept(message.subprotocol ?? null, message.headers);
        case 'websocket.close':
          this.log('403');
          this.closeSent = true;
          this.reject(403, ['content-type', 'text/plain; charset=utf-8'], Buffer.alloc(0));
          return;
        case 'websocket.http.response.start':
          return this.startDenial(message.status, message.headers);
        default:
          throw new UnexpectedMessageError(type, "'websocket.accept', 'websocket.close' or 'websocket.http.response.start'");
      }
    }
    if (this.denial !== null) {
      if (type !== 'websocket.http.response.body') throw new UnexpectedMessageError(type, "'websocket.http.response.body'");
      if (this.handshakeComplete) throw new ResponseAlreadyCompletedError(type);
      const body = message.body ?? Buffer.alloc(0);
      if (!(body instanceof Uint8Array)) throw new InvalidMessageError("websocket.http.response.body 'body' must be a Uint8Array.");
      this.denial.chunks.push(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
      if (message.more_body !== true) {
        this.closeSent = true;
        this.reject(this.denial.status, this.denial.headers, Buffer.concat(this.denial.chunks));
      }
      return;
    }
    if (this.closeSent) throw new ResponseAlreadyCompletedError(String(type));
    const ws = this.ws;
    if (this.disconnected || ws === null || ws.readyState !== 1) throw new ClientDisconnectedError();
    if (type === 'websocket.send') return this.sendData(ws, message.bytes, message.text);
    if (type === 'websocket.close') {
      const code = message.code ?? 1000;
      const reason = message.reason ?? '';
      try {
        ws.close(code, reason);
      } catch (error) {
        throw new InvalidMessageError(`Invalid websocket.close: ${(error as Error).message}`);
      }
      this.closeSent = true;
      this.stopKeepalive();
      this.push({ type: 'websocket.disconnect', code, reason }, true);
      return;
    }
    throw new UnexpectedMessageError(type, "'websocket.send' or 'websocket.close'");
  }

  private accept(subprotocol: string | null, headers: Iterable<Header> | undefined): Promise<void> {
    const flat: string[] = [];
    if (headers !== undefined) {
      for (const [name, value] of headers) {
        const lower = String(name).toLowerCase();
        if (lower === 'sec-websocket-protocol') continue; // negotiated through `subprotocol`
        if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new InvalidMessageError(`Invalid header in websocket.accept: ${JSON.stringify(name)}.`);
        flat.push(lower, value);
      }
    }
    (this.req as WithAccept)[kAccept] = { subprotocol, headers: flat };
    this.log('[accepted]');
    return new Promise<void>((resolve, reject) => {
      if (this.socket.destroyed) {
        this.lostBeforeHandshake();
        reject(new ClientDisconnectedError());
        return;
      }
      this.socket.removeListener('close', this.onSocketClose);
      this.host.wss.handleUpgrade(this.req, this.socket, this.head, (ws) => {
        this.handshakeComplete = true;
        this.ws = ws;
        ws.on('message', (data: Buffer, isBinary: boolean) => {
          this.push(isBinary ? { type: 'websocket.receive', bytes: data } : { type: 'websocket.receive', text: data.toString('utf8') });
        });
        ws.on('close', (code: number, reason: Buffer) => {
          this.disconnected = true;
          this.stopKeepalive();
          this.push({ type: 'websocket.disconnect', code, reason: reason.toString('utf8') }, true);
        });
        ws.on('error', noop);
        ws.on('pong', () => this.onPong());
        this.scheduleKeepalive();
        resolve();
      });
      if (!this.handshakeComplete && this.socket.destroyed) {
        this.lostBeforeHandshake();
        reject(new ClientDisconnectedError());
      }
    });
  }

  private async sendData(ws: WebSocket, bytes: Uint8Array | null | undefined, text: string | null | undefined): Promise<void> {
    let payload: Buffer | string;
    if (bytes !== undefined && bytes !== null) {
      if (!(bytes instanceof Uint8Array)) throw new InvalidMessageError("websocket.send 'bytes' must be a Uint8Array.");
      payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } else if (typeof text === 'string') {
      payload = text;
    } else {
      throw new InvalidMessageError("websocket.send needs exactly one of 'bytes' (Uint8Array) or 'text' (string).");
    }
    const binary = typeof payload !== 'string';
    if (ws.bufferedAmount < 1 << 20) {
      ws.send(payload, { binary }, noop);
      return;
    }
    // Backpressure: the socket is behind by more than 1 MiB, wait until this frame is written.
    await new Promise<void>((resolve, reject) =>
      ws.send(payload, { binary }, (error) => (error ? reject(new ClientDisconnectedError()) : resolve())),
    );
  }

  private startDenial(status: number, headers: Iterable<Header> | undefined): void {
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw new InvalidMessageError(`Invalid HTTP status code '${String(status)}' in websocket.http.response.start.`);
    }
    const flat: string[] = [];
    if (headers !== undefined) {
      for (const [name, value] of headers) {
        if (/[\r\n:]/.test(name) || /[\r\n]/.test(value)) throw new InvalidMessageError(`Invalid header in websocket.http.response.start: ${JSON.stringify(name)}.`);
        flat.push(name.toLowerCase(), value);
      }
    }
    this.log(String(status));
    this.denial = { status, headers: flat, chunks: [] };
  }

  private reject(status: number, headers: string[], body: Buffer): void {
    this.handshakeComplete = true;
    this.socket.removeListener('close', this.onSocketClose);
    this.push({ type: 'websocket.disconnect', code: 1006, reason: '' }, true);
    writeRawResponse(this.socket, status, headers, body);
  }

  private log(outcome: string): void {
    const scope = this.scope;
    const path = quotePath(scope.path) + (scope.query_string ? '?' + scope.query_string : '');
    this.host.logger.info(`${formatClient(scope.client)} - "WebSocket ${path}" ${outcome}`);
  }

  // ---------------------------------------------------------------- keepalive

  private scheduleKeepalive(): void {
    if (this.host.pingInterval <= 0) return;
    this.pingTimer = setTimeout(() => {
      this.pingTimer = null;
      const ws = this.ws;
      if (ws === null || ws.readyState !== 1) return;
      ws.ping();
      if (this.host.pingTimeout > 0) {
        this.pongTimer = setTimeout(() => {
          this.pongTimer = null;
          if (ws.readyState === 1) ws.close(1011, 'keepalive ping timeout');
          setTimeout(() => ws.terminate(), 1000).unref();
        }, this.host.pingTimeout * 1000);
        this.pongTimer.unref();
      } else {
        this.scheduleKeepalive();
      }
    }, this.host.pingInterval * 1000);
    this.pingTimer.unref();
  }

  private onPong(): void {
    if (this.pongTimer === null) return;
    clearTimeout(this.pongTimer);
    this.pongTimer = null;
    this.scheduleKeepalive();
  }

  private stopKeepalive(): void {
    if (this.pingTimer !== null) clearTimeout(this.pingTimer);
    if (this.pongTimer !== null) clearTimeout(this.pongTimer);
    this.pingTimer = this.pongTimer = null;
  }
}

function noop(): void {}
