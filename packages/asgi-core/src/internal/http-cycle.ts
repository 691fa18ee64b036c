/**
 * One HTTP request/response cycle (uvicorn's `RequestResponseCycle`): the
 * `receive`/`send` pair handed to the app, with explicit state flags, request
 * body backpressure and response streaming on top of node:http.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import {
  ClientDisconnectedError,
  ContentTooLongError,
  ContentTooShortError,
  InvalidHeaderError,
  InvalidMessageError,
  ResponseAlreadyCompletedError,
  ResponseAlreadyStartedError,
  ResponseNotStartedError,
  UnexpectedMessageError,
} from '../errors';
import type { Logger } from '../logging';
import { quotePath } from '../logging';
import {
  ACCEPTS_TEXT,
  type ASGIApp,
  type Header,
  type HTTPReceiveMessage,
  type HTTPScope,
  type HTTPSendMessage,
  type MarkableSend,
  type Receive,
  type Send,
} from '../types';
import { bodiless, INTERNAL_ERROR_BODY, INTERNAL_ERROR_HEADERS, latin1, rejectRequestTimeout } from './responses';
import type { Linked } from './linked-set';
import { onWake, type ASGIRequest, type ASGIResponse } from './node-objects';
import { formatClient } from './scope';

/** What a cycle needs from its server. */
export interface CycleHost {
  readonly logger: Logger;
  /** True once graceful shutdown began: responses then carry `connection: close`. */
  readonly shuttingDown: boolean;
  /** Called exactly once, when the app returned (or threw) and the cycle is settled. */
  cycleDone(cycle: HTTPCycle): void;
}

const EMPTY = Buffer.alloc(0);
const LAST_EMPTY_CHUNK: HTTPReceiveMessage = Object.freeze({ type: 'http.request', body: EMPTY, more_body: false }) as HTTPReceiveMessage;
const RESOLVED_LAST_EMPTY_CHUNK = Promise.resolve(LAST_EMPTY_CHUNK);
const RESOLVED = Promise.resolve();
const DISCONNECT: HTTPReceiveMessage = Object.freeze({ type: 'http.disconnect' });

/**
 * Bodies up to this size are handed to node as latin-1 text (one char per byte, so the bytes are
 * unchanged): node then writes the head and the body as one string, where a Buffer body makes a
 * writev of two chunks with their bookkeeping.
 */
const ONE_WRITE_LIMIT = 1024;

/** An `http.response.body` message's body: bytes, or none (empty). */
function bytesOf(body: unknown): Uint8Array {
  if (body === undefined || body === null) return EMPTY;
  if (body instanceof Uint8Array) return body;
  throw new InvalidMessageError(`http.response.body 'body' must be a Uint8Array (a Buffer), got ${typeof body}.`);
}

/** An `http.response.text` message's text. */
function textOf(message: { text?: unknown }): string {
  if (typeof message.text === 'string') return message.text;
  throw new InvalidMessageError(`http.response.text 'text' must be a string, got ${typeof message.text}.`);
}

function latin1Text(body: Uint8Array): string {
  return (Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength)).toString('latin1');
}

/** Per-request state machine; `receive`/`send` are the ASGI callables given to the app. */
export class HTTPCycle implements Linked<HTTPCycle> {
  /** `http.response.start` was sent. */
  responseStarted = false;
  /** The final body (and trailers, if announced) were sent. */
  responseComplete = false;
  /** The client went away before the response completed. */
  disconnected = false;
  /** Links of the server's set of cycles in flight. */
  previousInSet: HTTPCycle | null = null;
  nextInSet: HTTPCycle | null = null;

  readonly receive: Receive;
  readonly send: Send;

  private bodyDelivered = false;
  private readonly hasBody: boolean;
  /** The declared Content-Length, or -1 for a chunked body. */
  private readonly bodyLength: number;
  private listeningToBody = false;
  private checkedAfterParse = false;
  private waitingFor100Continue: boolean;
  private headersWritten = false;
  private status = 200;
  private headers: string[] = [];
  private declaredLength = -1;
  private remainingLength = 0;
  private hasTransferEncoding = false;
  private expectsTrailers = false;
  private trailers: Header[] | null = null;
  private signal: Promise<void> | null = null;
  private release: (() => void) | null = null;
  // Minimum body data rate: body bytes handed to the app, and how long the app waited for them.
  private bodyBytes = 0;
  private bodyWaitMs = 0;
  private bodyWaitSince = -1;

  constructor(
    readonly scope: HTTPScope,
    readonly req: ASGIRequest,
    readonly res: ASGIResponse,
    private readonly host: CycleHost,
    bodyLength: number,
    expectContinue: boolean,
  ) {
    this.bodyLength = bodyLength;
    this.hasBody = bodyLength !== 0;
    this.waitingFor100Continue = expectContinue && this.hasBody;
    req.cycle = this;
    res.cycle = this;
    this.receive = () => this.nextMessage();
    const send: MarkableSend = (message) => this.dispatch(message as HTTPSendMessage);
    send[ACCEPTS_TEXT] = true;
    this.send = send;
  }

  /**
   * Runs the app on this cycle: 500 when it fails before starting, closes the connection after.
   * Not `async`: a `then` on the app's promise costs a third of an async frame per request.
   */
  run(app: ASGIApp): void {
    let result: Promise<void>;
    try {
      result = Promise.resolve(app(this.scope, this.receive, this.send));
    } catch (error) {
      this.failed(error);
      return;
    }
    void result.then(this.returned, this.failed);
  }

  private readonly returned = (): void => {
    try {
      if (!this.responseStarted && !this.disconnected) {
        this.host.logger.error('ASGI callable returned without starting response.');
        this.sendInternalError();
      } else if (!this.responseComplete && !this.disconnected) {
        this.host.logger.error('ASGI callable returned without completing response.');
        this.endIncomplete();
      }
    } finally {
      this.host.cycleDone(this);
    }
  };

  private readonly failed = (error: unknown): void => {
    try {
      if (!(error instanceof ClientDisconnectedError)) this.host.logger.error('Exception in ASGI application', error);
      if (!this.responseStarted && !this.disconnected) this.sendInternalError();
      else if (!this.responseComplete) this.closeConnection();
    } finally {
      this.host.cycleDone(this);
    }
  };

  /** The connection closed (the server's per-connection `close` listener): if the response is unfinished, the client is gone. */
  connectionClosed(): void {
    if (this.responseComplete || this.disconnected) return;
    this.disconnected = true;
    this.wake();
  }

  /** Ends waits in `receive()` / `send()` so they re-check the state. */
  wake(): void {
    const release = this.release;
    if (release !== null) {
      this.signal = null;
      this.release = null;
      release();
    }
  }

  /** Shutdown with the request still running: treat the client as gone. */
  abort(): void {
    if (this.responseComplete) return;
    this.disconnected = true;
    this.wake();
    this.res.destroy();
  }

  private wait(): Promise<void> {
    if (this.signal === null) this.signal = new Promise((resolve) => (this.release = resolve));
    return this.signal;
  }

  // ------------------------------------------------------------------ receive

  private nextMessage(): Promise<HTTPReceiveMessage> {
    // Hot path: a request without a body is one empty chunk, answered without a new promise.
    if (!this.hasBody && !this.bodyDelivered && !this.disconnected && !this.responseComplete) {
      this.bodyDelivered = true;
      return RESOLVED_LAST_EMPTY_CHUNK;
    }
    if (this.waitingFor100Continue) {
      this.waitingFor100Continue = false;
      if (!this.disconnected && !this.responseStarted) this.res.writeContinue();
    }
    const message = this.readNow();
    if (message !== null) return Promise.resolve(message);
    if (!this.checkedAfterParse && !this.bodyDelivered) {
      // The app usually asks from inside node's 'request' event, before the parser has pushed the
      // body bytes that came with the head. Node runs microtasks only once that packet is parsed:
      // one hop later the body is usually there, without listeners, a tick and a wake-up.
      this.checkedAfterParse = true;
      return RESOLVED.then(() => this.readNow() ?? this.waitForMessage());
    }
    return this.waitForMessage();
  }

  /** The next message if it can be had without waiting, else null. */
  private readNow(): HTTPReceiveMessage | null {
    if (this.disconnected || this.responseComplete) return DISCONNECT;
    if (this.bodyDelivered) return null; // after the body: nothing comes until the response completes or the client leaves
    if (!this.hasBody) {
      this.bodyDelivered = true;
      return LAST_EMPTY_CHUNK;
    }
    const req = this.req;
    // Only read what is buffered: a read() of an empty buffer makes node announce the next chunk with
    // a 'readable' event on a tick of its own, which nothing here listens to outside waitForMessage.
    const chunk: Buffer | null = req.readableLength > 0 ? req.read() : null;
    if (chunk !== null) {
      this.bodyBytes += chunk.length;
      // All the declared bytes are the whole body, before node has parsed the end of the message.
      const last = this.bodyBytes === this.bodyLength || (req.complete && req.readableLength === 0);
      if (last) this.bodyDelivered = true;
      return { type: 'http.request', body: chunk, more_body: !last };
    }
    if (req.complete || req.readableEnded) {
      this.bodyDelivered = true;
      return LAST_EMPTY_CHUNK;
    }
    return null;
  }

  private async waitForMessage(): Promise<HTTPReceiveMessage> {
    while (true) {
      const message = this.readNow();
      if (message !== null) return message;
      if (this.bodyDelivered) {
        await this.wait();
        continue;
      }
      if (!this.listeningToBody) {
        // Paused mode: node reads at most a highWaterMark ahead, then stops the socket (backpressure).
        this.listeningToBody = true;
        this.req.on('readable', onWake);
        this.req.on('end', onWake);
      }
      this.bodyWaitSince = Date.now();
      await this.wait();
      this.bodyWaitMs += Date.now() - this.bodyWaitSince;
      this.bodyWaitSince = -1;
    }
  }

  /**
   * Minimum body data rate (Kestrel's `MinRequestBodyDataRate`): true when the app has waited in
   * `receive()` longer than `graceMs` for a body that arrives slower than `bytesPerSecond`.
   * Time the app spends elsewhere does not count, so backpressure from a slow app is never blamed on the client.
   */
  bodyTooSlow(now: number, bytesPerSecond: number, graceMs: number): boolean {
    if (this.bodyDelivered || this.disconnected || this.responseComplete || !this.listeningToBody) return false;
    const waitedMs = this.bodyWaitMs + (this.bodyWaitSince >= 0 ? now - this.bodyWaitSince : 0);
    return waitedMs > graceMs && this.bodyBytes < (bytesPerSecond * waitedMs) / 1000;
  }

  /**
   * The body arrived too slowly: answer 408 (as the headers timeout does) when no response was started,
   * otherwise close the connection; either way the app's `receive()` now returns `http.disconnect`.
   */
  timeOutBody(): void {
    if (this.responseStarted || this.res.headersSent) {
      this.closeConnection();
      return;
    }
    this.responseStarted = true;
    this.responseComplete = true;
    this.disconnected = true;
    this.wake();
    rejectRequestTimeout(this.res);
  }

  // --------------------------------------------------------------------- send

  /** `send()`: synchronous work returns a shared resolved promise; only waiting (backpressure, files) allocates. */
  private dispatch(message: HTTPSendMessage): Promise<void> {
    try {
      return this.handle(message) ?? RESOLVED;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private handle(message: HTTPSendMessage): Promise<void> | void {
    const type = message?.type;
    if (!this.responseStarted) {
      if (type === 'http.response.start') return this.start(message);
      if (type === 'http.response.text' && message.status !== undefined) {
        // The whole response in one message. An invalid status, text or header starts nothing; a text whose
        // length disagrees with a declared content-length fails after the start, as the two messages would.
        const text = textOf(message);
        this.start(message as { status: number; headers?: Iterable<Header> });
        return this.body(text, false);
      }
      if (type === 'http.response.body' || type === 'http.response.text' || type === 'http.response.trailers' || type === 'http.response.pathsend') {
        throw new ResponseNotStartedError(type);
      }
      throw new UnexpectedMessageError(type, "'http.response.start'");
    }
    if (this.disconnected) throw new ClientDisconnectedError();
    if (this.responseComplete) throw new ResponseAlreadyCompletedError(String(type));
    switch (type) {
      case 'http.response.body':
        return this.body(bytesOf(message.body), message.more_body === true);
      case 'http.response.text':
        if (message.status !== undefined) throw new ResponseAlreadyStartedError();
        return this.body(textOf(message), false);
      case 'http.response.start':
        throw new ResponseAlreadyStartedError();
      case 'http.response.trailers':
        return this.addTrailers(message.headers, message.more_trailers === true);
      case 'http.response.pathsend':
        return this.pathsend(message.path);
      default:
        throw new UnexpectedMessageError(type, "'http.response.body', 'http.response.text', 'http.response.trailers' or 'http.response.pathsend'");
    }
  }

  private start(message: { status: number; headers?: Iterable<Header>; trailers?: boolean }): void {
    const status = message.status;
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw new InvalidMessageError(`Invalid HTTP status code '${String(status)}' in http.response.start: expected an integer from 100 to 599.`);
    }
    if (this.disconnected) throw new ClientDisconnectedError();
    const flat = this.headers;
    if (message.headers !== undefined) {
      try {
        this.collectHeaders(message.headers, flat);
      } catch (error) {
        // A refused start leaves nothing behind for the next one.
        flat.length = 0;
        this.declaredLength = -1;
        this.remainingLength = 0;
        this.hasTransferEncoding = false;
        throw error;
      }
    }
    this.responseStarted = true;
    this.waitingFor100Continue = false;
    this.status = status;
    this.expectsTrailers = message.trailers === true;
    if (this.host.shuttingDown) this.res.shouldKeepAlive = false;
    const logger = this.host.logger;
    if (logger.accessLog) {
      const scope = this.scope;
      const path = quotePath(scope.path) + (scope.query_string ? '?' + scope.query_string : '');
      logger.access(formatClient(scope.client), scope.method, path, scope.http_version, status);
    }
  }

  /** Lowers and checks each header of a start into `flat`, noting the framing headers. */
  private collectHeaders(headers: Iterable<Header>, flat: string[]): void {
    for (const header of headers) {
      let name: unknown = header[0];
      let value: unknown = header[1];
      if (typeof name !== 'string') name = latin1(name, 'name');
      if (typeof value !== 'string') value = latin1(value, 'value');
      const lower = (name as string).toLowerCase();
      if (lower === 'content-length') {
        const length = Number(value);
        if (!/^\d+$/.test((value as string).trim())) throw new InvalidHeaderError(lower + ': ' + String(value));
        this.declaredLength = this.remainingLength = length;
      } else if (lower === 'transfer-encoding') {
        this.hasTransferEncoding = true;
      }
      flat.push(lower, value as string);
    }
  }

  private writeHead(contentLength: number): void {
    if (contentLength >= 0 && this.declaredLength < 0 && !this.hasTransferEncoding) {
      this.headers.push('content-length', String(contentLength));
    }
    this.headersWritten = true;
    try {
      this.res.writeHead(this.status, this.headers);
    } catch (error) {
      const name = (error as { message?: string }).message ?? '';
      throw new InvalidHeaderError(/"([^"]*)"/.exec(name)?.[1] ?? name, error);
    }
  }

  /** A body chunk: bytes, or (from `http.response.text`, always the last) text sent UTF-8 encoded. */
  private body(body: Uint8Array | string, moreBody: boolean): Promise<void> | void {
    const res = this.res;
    const isHead = this.scope.method === 'HEAD';
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    if (!isHead && this.declaredLength >= 0) {
      if (length > this.remainingLength) throw new ContentTooLongError(this.declaredLength);
      this.remainingLength -= length;
    }
    if (!moreBody) {
      if (!isHead && this.remainingLength > 0) throw new ContentTooShortError(this.declaredLength, this.remainingLength);
      if (!this.expectsTrailers) {
        // The whole body in one message: announce its length rather than chunking it.
        if (!this.headersWritten) this.writeHead(isHead || bodiless(this.status) ? -1 : length);
        this.responseComplete = true;
        this.wake();
        if (isHead || length === 0) res.end();
        else if (typeof body === 'string') res.end(body);
        else if (length <= ONE_WRITE_LIMIT) res.end(latin1Text(body), 'latin1');
        else res.end(body);
        this.finishRequest();
        return;
      }
    }
    if (!this.headersWritten) this.writeHead(-1);
    if (!moreBody) this.trailers = []; // trailers announced: the response ends with the last trailers message
    if (!isHead && length > 0 && !res.write(body)) return this.drain();
  }

  /** Backpressure: hold the app until node flushed its buffer (or the client left). */
  private async drain(): Promise<void> {
    const res = this.res;
    res.on('drain', onWake);
    while (res.writableNeedDrain && !this.disconnected) await this.wait();
    res.removeListener('drain', onWake);
    if (this.disconnected) throw new ClientDisconnectedError();
  }

  private addTrailers(headers: Iterable<Header> | undefined, moreTrailers: boolean): void {
    if (!this.expectsTrailers) {
      throw new InvalidMessageError("http.response.trailers sent, but http.response.start did not set 'trailers: true'.");
    }
    if (this.trailers === null) {
      throw new InvalidMessageError("http.response.trailers sent before the last http.response.body (more_body: false).");
    }
    if (headers !== undefined) for (const [name, value] of headers) this.trailers.push([name.toLowerCase(), value]);
    if (moreTrailers) return;
    try {
      if (this.trailers.length > 0) this.res.addTrailers(this.trailers);
    } catch (error) {
      throw new InvalidHeaderError('trailer', error);
    }
    this.responseComplete = true;
    this.wake();
    this.res.end();
    this.finishRequest();
  }

  private async pathsend(path: string): Promise<void> {
    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw new InvalidMessageError(`http.response.pathsend 'path' must be an absolute file path, got ${JSON.stringify(path)}.`);
    }
    if (this.headersWritten) {
      throw new InvalidMessageError('http.response.pathsend must be the whole body: a body was already sent.');
    }
    const size = (await fsp.stat(path)).size;
    const isHead = this.scope.method === 'HEAD';
    if (this.declaredLength >= 0 && this.declaredLength !== size && !isHead) {
      throw this.declaredLength < size ? new ContentTooLongError(this.declaredLength) : new ContentTooShortError(this.declaredLength, this.declaredLength - size);
    }
    this.writeHead(bodiless(this.status) ? -1 : size);
    this.responseComplete = true;
    this.wake();
    if (isHead || bodiless(this.status)) this.res.end();
    else {
      try {
        await pipeline(createReadStream(path), this.res);
      } catch (error) {
        if (this.res.destroyed && !this.res.writableFinished) {
          this.disconnected = true;
          throw new ClientDisconnectedError();
        }
        throw error;
      }
    }
    this.finishRequest();
  }

  /** After the response: drop request bytes the app never read, so the connection can carry the next request. */
  private finishRequest(): void {
    if (this.hasBody && !this.req.readableEnded) this.req.resume();
  }

  private sendInternalError(): void {
    const res = this.res;
    if (this.headersWritten || res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    this.responseStarted = true;
    this.responseComplete = true;
    this.wake();
    res.writeHead(500, INTERNAL_ERROR_HEADERS);
    res.end(this.scope.method === 'HEAD' ? undefined : INTERNAL_ERROR_BODY);
    this.finishRequest();
  }

  /** Closes the connection mid-response, flushing what was already written (uvicorn's `transport.close()`). */
  private closeConnection(): void {
    const socket = this.res.socket;
    this.disconnected = true;
    this.wake();
    if (socket === null || socket.destroyed) {
      this.res.destroy();
      return;
    }
    socket.end();
    socket.once('finish', () => socket.destroy());
  }

  /** The app returned mid-response: finish a chunked body cleanly, but never lie about a declared length. */
  private endIncomplete(): void {
    const declaredShort = this.declaredLength >= 0 && this.remainingLength > 0 && this.scope.method !== 'HEAD';
    if (declaredShort || (this.expectsTrailers && this.trailers === null)) {
      this.closeConnection();
      return;
    }
    if (!this.headersWritten) this.writeHead(bodiless(this.status) || this.scope.method === 'HEAD' ? -1 : 0);
    this.responseComplete = true;
    this.wake();
    this.res.end();
    this.finishRequest();
  }
}
