/**
 * The WebSocket connection, as Starlette's `starlette.websockets`: explicit client and
 * application states, typed send/receive helpers, and async iteration.
 */
import type { Header, Receive, Scope, Send, WebSocketReceiveMessage, WebSocketScope, WebSocketSendMessage } from 'asgi-core';
import { ASGIObject } from './asgi';
import { WebSocketStateError } from './errors';
import { HTTPConnection } from './requests';
import type { Response } from './responses';

/** The state of each side of a WebSocket, as Starlette's WebSocketState. */
export enum WebSocketState {
  CONNECTING = 0,
  CONNECTED = 1,
  DISCONNECTED = 2,
  RESPONSE = 3,
}

/**
 * The client closed the connection (or it dropped): raised by the receive helpers.
 * As in Starlette, `code` is the WebSocket close code (RFC 6455 section 7.4).
 */
export class WebSocketDisconnect extends Error {
  /** The close code (1000 normal, 1001 going away, 1006 abnormal ...). */
  readonly code: number;
  /** The close reason, if any. */
  readonly reason: string;

  constructor(code = 1000, reason?: string | null) {
    super(`WebSocket disconnected with code ${code}${reason ? `: ${reason}` : ''}`);
    this.name = 'WebSocketDisconnect';
    this.code = code;
    this.reason = reason ?? '';
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** A `websocket.receive` message's payload. */
type DataMessage = { text?: string | null; bytes?: Uint8Array | null };

/** A received message's payload; a disconnect raises WebSocketDisconnect. */
function dataOf(message: WebSocketReceiveMessage): DataMessage {
  if (message.type === 'websocket.disconnect') throw new WebSocketDisconnect(message.code, message.reason);
  return message as DataMessage;
}

function textOf(message: WebSocketReceiveMessage): string {
  const text = dataOf(message).text;
  if (typeof text !== 'string') throw new WebSocketStateError('Expected a text message, got a binary one');
  return text;
}

function bytesOf(message: WebSocketReceiveMessage): Uint8Array {
  const bytes = dataOf(message).bytes;
  if (bytes == null) throw new WebSocketStateError('Expected a binary message, got a text one');
  return bytes;
}

/**
 * A WebSocket connection.
 *
 * @example
 * const endpoint = async (ws: WebSocket) => {
 *   await ws.accept();
 *   for await (const text of ws.iterText()) await ws.sendText(`echo: ${text}`);
 * };
 */
export class WebSocket extends HTTPConnection {
  declare readonly scope: WebSocketScope;
  private readonly _receive: Receive;
  private readonly _send: Send;
  /** What the client side has done. */
  clientState = WebSocketState.CONNECTING;
  /** What the application side has done. */
  applicationState = WebSocketState.CONNECTING;

  constructor(scope: Scope, receive: Receive, send: Send) {
    super(scope);
    if (scope.type !== 'websocket') throw new TypeError(`WebSocket needs a websocket scope, got "${scope.type}"`);
    this._receive = receive;
    this._send = send;
  }

  /**
   * Receives the next ASGI message, enforcing the protocol order.
   *
   * `receive`, `send` and the text and bytes helpers return their promise chains without `async`: in an
   * echo loop they stacked six async frames per message (docs/benchmarks.md, tenth pass). Like an
   * async function they never throw: every error is a rejection.
   */
  receive(): Promise<WebSocketReceiveMessage> {
    try {
      if (this.clientState === WebSocketState.CONNECTING) return (this._receive() as Promise<WebSocketReceiveMessage>).then(this.onConnect);
      if (this.clientState === WebSocketState.CONNECTED) return (this._receive() as Promise<WebSocketReceiveMessage>).then(this.onMessage);
      throw new WebSocketStateError('Cannot call "receive" once a disconnect message has been received.');
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private readonly onConnect = (message: WebSocketReceiveMessage): WebSocketReceiveMessage => {
    if (message.type !== 'websocket.connect') {
      throw new WebSocketStateError(`Expected ASGI message "websocket.connect", but got "${message.type}"`);
    }
    this.clientState = WebSocketState.CONNECTED;
    return message;
  };

  private readonly onMessage = (message: WebSocketReceiveMessage): WebSocketReceiveMessage => {
    if (message.type !== 'websocket.receive' && message.type !== 'websocket.disconnect') {
      throw new WebSocketStateError(`Expected ASGI message "websocket.receive" or "websocket.disconnect", but got "${message.type}"`);
    }
    if (message.type === 'websocket.disconnect') this.clientState = WebSocketState.DISCONNECTED;
    return message;
  };

  /** Sends an ASGI message, enforcing the protocol order; a broken transport raises WebSocketDisconnect(1006). */
  send(message: WebSocketSendMessage): Promise<void> {
    let sent: Promise<void>;
    try {
      this.advance(message);
    } catch (error) {
      return Promise.reject(error);
    }
    try {
      sent = this._send(message);
    } catch (error) {
      return Promise.reject(this.sendError(error));
    }
    return sent.then(undefined, this.onSendFailed);
  }

  /** Checks that the application may send `message` now, and moves its state on. */
  private advance(message: WebSocketSendMessage): void {
    const type = message.type;
    if (this.applicationState === WebSocketState.CONNECTING) {
      if (type !== 'websocket.accept' && type !== 'websocket.close' && type !== 'websocket.http.response.start') {
        throw new WebSocketStateError(
          `Expected ASGI message "websocket.accept", "websocket.close" or "websocket.http.response.start", but got "${type}"`,
        );
      }
      if (type === 'websocket.close') this.applicationState = WebSocketState.DISCONNECTED;
      else if (type === 'websocket.http.response.start') this.applicationState = WebSocketState.RESPONSE;
      else this.applicationState = WebSocketState.CONNECTED;
    } else if (this.applicationState === WebSocketState.CONNECTED) {
      if (type !== 'websocket.send' && type !== 'websocket.close') {
        throw new WebSocketStateError(`Expected ASGI message "websocket.send" or "websocket.close", but got "${type}"`);
      }
      if (type === 'websocket.close') this.applicationState = WebSocketState.DISCONNECTED;
    } else if (this.applicationState === WebSocketState.RESPONSE) {
      if (type !== 'websocket.http.response.body') {
        throw new WebSocketStateError(`Expected ASGI message "websocket.http.response.body", but got "${type}"`);
      }
      if (!message.more_body) this.applicationState = WebSocketState.DISCONNECTED;
    } else {
      throw new WebSocketStateError('Cannot call "send" once a close message has been sent.');
    }
  }

  /** What a failed send raises: a protocol error as it is, anything from the transport as WebSocketDisconnect(1006). */
  private sendError(error: unknown): unknown {
    if (error instanceof WebSocketStateError) return error;
    this.applicationState = WebSocketState.DISCONNECTED;
    return new WebSocketDisconnect(1006);
  }

  private readonly onSendFailed = (error: unknown): never => {
    throw this.sendError(error);
  };

  /** Accepts the connection, with an optional subprotocol and extra handshake headers. */
  async accept(subprotocol?: string | null, headers?: Iterable<Header> | Record<string, string>): Promise<void> {
    let raw: Header[] = [];
    if (headers !== undefined) {
      raw = Symbol.iterator in headers
        ? [...(headers as Iterable<Header>)]
        : Object.entries(headers).map(([k, v]): Header => [k.toLowerCase(), v]);
    }
    if (this.clientState === WebSocketState.CONNECTING) await this.receive();
    await this.send({ type: 'websocket.accept', subprotocol: subprotocol ?? null, headers: raw });
  }

  private ensureConnected(): void {
    if (this.applicationState !== WebSocketState.CONNECTED) {
      throw new WebSocketStateError('WebSocket is not connected. Need to call "accept" first.');
    }
  }

  /** The next data message, as `pick` reads it. */
  private receiveData<T>(pick: (message: WebSocketReceiveMessage) => T): Promise<T> {
    try {
      this.ensureConnected();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.receive().then(pick);
  }

  /** The next text message; raises WebSocketDisconnect when the client closes. */
  receiveText(): Promise<string> {
    return this.receiveData(textOf);
  }

  /** The next binary message; raises WebSocketDisconnect when the client closes. */
  receiveBytes(): Promise<Uint8Array> {
    return this.receiveData(bytesOf);
  }

  /** The next message parsed as JSON, from a text (`mode: 'text'`) or binary frame. */
  async receiveJson<T = unknown>(mode: 'text' | 'binary' = 'text'): Promise<T> {
    if (mode !== 'text' && mode !== 'binary') throw new TypeError('The "mode" argument should be "text" or "binary".');
    const message = await this.receiveData(dataOf);
    const text = mode === 'text' ? message.text : message.bytes != null ? decoder.decode(message.bytes) : undefined;
    if (typeof text !== 'string') throw new WebSocketStateError(`Expected a ${mode} message for receiveJson`);
    return JSON.parse(text) as T;
  }

  private async *iterate<T>(next: () => Promise<T>): AsyncGenerator<T, void, undefined> {
    try {
      while (true) yield await next();
    } catch (error) {
      if (!(error instanceof WebSocketDisconnect)) throw error;
    }
  }

  /** Iterates text messages until the client disconnects. */
  iterText(): AsyncGenerator<string, void, undefined> {
    return this.iterate(() => this.receiveText());
  }

  /** Iterates binary messages until the client disconnects. */
  iterBytes(): AsyncGenerator<Uint8Array, void, undefined> {
    return this.iterate(() => this.receiveBytes());
  }

  /** Iterates JSON messages until the client disconnects. */
  iterJson<T = unknown>(mode: 'text' | 'binary' = 'text'): AsyncGenerator<T, void, undefined> {
    return this.iterate(() => this.receiveJson<T>(mode));
  }

  /** Sends a text message. */
  sendText(data: string): Promise<void> {
    return this.send({ type: 'websocket.send', text: data });
  }

  /** Sends a binary message. */
  sendBytes(data: Uint8Array): Promise<void> {
    return this.send({ type: 'websocket.send', bytes: data });
  }

  /** Sends `data` as compact JSON in a text (default) or binary frame. */
  async sendJson(data: unknown, mode: 'text' | 'binary' = 'text'): Promise<void> {
    if (mode !== 'text' && mode !== 'binary') throw new TypeError('The "mode" argument should be "text" or "binary".');
    const text = JSON.stringify(data) ?? 'null';
    if (mode === 'text') await this.send({ type: 'websocket.send', text });
    else await this.send({ type: 'websocket.send', bytes: Buffer.from(text, 'utf8') });
  }

  /** Closes the connection (before accept this rejects the handshake with 403). */
  async close(code = 1000, reason?: string | null): Promise<void> {
    await this.send({ type: 'websocket.close', code, reason: reason ?? '' });
  }

  /** Rejects the handshake with an HTTP response (needs the `websocket.http.response` extension). */
  async sendDenialResponse(response: Response): Promise<void> {
    if (this.scope.extensions?.['websocket.http.response'] === undefined) {
      throw new WebSocketStateError("The server doesn't support the Websocket Denial Response extension.");
    }
    await response(this.scope, this._receive, (message) => this.send(message as WebSocketSendMessage));
  }
}

/**
 * An ASGI app that closes the WebSocket with `code`/`reason` (used for unmatched websocket routes).
 */
export class WebSocketClose extends ASGIObject {
  /** The close code. */
  readonly code: number;
  /** The close reason. */
  readonly reason: string;

  constructor(code = 1000, reason?: string | null) {
    super();
    this.code = code;
    this.reason = reason ?? '';
  }

  async call(_scope: Scope, _receive: Receive, send: Send): Promise<void> {
    await send({ type: 'websocket.close', code: this.code, reason: this.reason });
  }
}
