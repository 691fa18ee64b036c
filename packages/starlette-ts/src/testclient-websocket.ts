/**
 * The WebSocket side of TestClient, as Starlette's WebSocketTestSession: the app runs
 * in-process; messages go through two queues.
 */
import type { ASGIApp, ReceiveMessage, SendMessage, WebSocketScope } from 'asgi-core';
import { Headers } from './headers';
import { AsyncQueue } from './internal/queue';
import { WebSocketDisconnect } from './websockets';

/** A fully received HTTP response of the TestClient. */
export interface TestResponseLike {
  readonly status: number;
  readonly headers: Headers;
  readonly content: Uint8Array;
  readonly text: string;
  json<T = unknown>(): T;
}

/**
 * The app rejected the WebSocket handshake with an HTTP response (the
 * `websocket.http.response` extension); `response` holds it.
 */
export class WebSocketDenialResponse extends Error {
  /** The HTTP response the app sent instead of accepting. */
  readonly response: TestResponseLike;

  constructor(response: TestResponseLike) {
    super(`WebSocket connection denied with HTTP ${response.status}`);
    this.name = 'WebSocketDenialResponse';
    this.response = response;
  }

  /** The denial's status code. */
  get status(): number {
    return this.response.status;
  }
  /** The denial's headers. */
  get headers(): Headers {
    return this.response.headers;
  }
  /** The denial's body as text. */
  get text(): string {
    return this.response.text;
  }
  /** The denial's body parsed as JSON. */
  json<T = unknown>(): T {
    return this.response.json<T>();
  }
}

type Outcome = { kind: 'done' } | { kind: 'error'; error: unknown };

/**
 * A WebSocket connected to the app in-process (`client.websocketConnect(path)`).
 *
 * @example
 * await using ws = await client.websocketConnect('/ws');
 * await ws.sendText('hello');
 * expect(await ws.receiveText()).toBe('echo: hello');
 */
export class WebSocketTestSession {
  /** The subprotocol the app accepted, or null. */
  acceptedSubprotocol: string | null = null;
  /** Headers the app added to the accept. */
  extraHeaders: [string, string][] = [];
  private readonly toApp = new AsyncQueue<ReceiveMessage>();
  private readonly fromApp = new AsyncQueue<SendMessage | Outcome>();
  private task: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly app: ASGIApp,
    private readonly scope: WebSocketScope,
    private readonly makeResponse: (status: number, headers: [string, string][], body: Uint8Array) => TestResponseLike,
  ) {}

  /** Sends `websocket.connect` and waits for the accept; throws WebSocketDisconnect or WebSocketDenialResponse. */
  async connect(): Promise<this> {
    this.task = (async () => {
      try {
        await this.app(
          this.scope,
          () => this.toApp.get(),
          async (message) => this.fromApp.put(message),
        );
        this.fromApp.put({ kind: 'done' });
      } catch (error) {
        this.fromApp.put({ kind: 'error', error });
      }
    })();
    this.toApp.put({ type: 'websocket.connect' });
    const message = await this.next();
    if (message.type === 'websocket.accept') {
      this.acceptedSubprotocol = message.subprotocol ?? null;
      this.extraHeaders = [...(message.headers ?? [])].map(([k, v]) => [k, v]);
      return this;
    }
    if (message.type === 'websocket.close') {
      this.closed = true;
      await this.task;
      throw new WebSocketDisconnect(message.code ?? 1000, message.reason);
    }
    if (message.type === 'websocket.http.response.start') {
      const chunks: Uint8Array[] = [];
      while (true) {
        const part = await this.next();
        if (part.type !== 'websocket.http.response.body') {
          throw new Error(`Expected "websocket.http.response.body", got "${part.type}"`);
        }
        if (part.body) chunks.push(part.body);
        if (!part.more_body) break;
      }
      this.closed = true;
      await this.task;
      const headers = [...(message.headers ?? [])].map(([k, v]): [string, string] => [k, v]);
      throw new WebSocketDenialResponse(this.makeResponse(message.status, headers, Buffer.concat(chunks)));
    }
    throw new Error(`Unexpected first WebSocket message "${message.type}"`);
  }

  /** The next message the app sent; app errors are re-thrown here. */
  private async next(): Promise<SendMessage> {
    const item = await this.fromApp.get();
    if ('kind' in item) {
      if (item.kind === 'error') throw item.error;
      throw new Error('The WebSocket app returned without sending a message');
    }
    return item;
  }

  /** Sends a raw ASGI message to the app. */
  send(message: ReceiveMessage): void {
    this.toApp.put(message);
  }

  /** Sends a text frame. */
  async sendText(data: string): Promise<void> {
    this.send({ type: 'websocket.receive', text: data });
  }

  /** Sends a binary frame. */
  async sendBytes(data: Uint8Array): Promise<void> {
    this.send({ type: 'websocket.receive', bytes: data });
  }

  /** Sends JSON in a text (default) or binary frame. */
  async sendJson(data: unknown, mode: 'text' | 'binary' = 'text'): Promise<void> {
    const text = JSON.stringify(data);
    if (mode === 'text') await this.sendText(text);
    else await this.sendBytes(Buffer.from(text, 'utf8'));
  }

  /** The next raw message from the app. */
  async receive(): Promise<SendMessage> {
    return this.next();
  }

  private async receiveData(): Promise<{ text?: string | null; bytes?: Uint8Array | null }> {
    const message = await this.next();
    if (message.type === 'websocket.close') {
      this.closed = true;
      throw new WebSocketDisconnect(message.code ?? 1000, message.reason);
    }
    if (message.type !== 'websocket.send') throw new Error(`Expected "websocket.send", got "${message.type}"`);
    return message;
  }

  /** The next text frame; throws WebSocketDisconnect when the app closed. */
  async receiveText(): Promise<string> {
    const message = await this.receiveData();
    if (typeof message.text !== 'string') throw new Error('Expected a text frame, got a binary one');
    return message.text;
  }

  /** The next binary frame; throws WebSocketDisconnect when the app closed. */
  async receiveBytes(): Promise<Uint8Array> {
    const message = await this.receiveData();
    if (message.bytes == null) throw new Error('Expected a binary frame, got a text one');
    return message.bytes;
  }

  /** The next frame parsed as JSON. */
  async receiveJson<T = unknown>(mode: 'text' | 'binary' = 'text'): Promise<T> {
    const message = await this.receiveData();
    const text = mode === 'text' ? message.text : message.bytes != null ? Buffer.from(message.bytes).toString('utf8') : null;
    if (typeof text !== 'string') throw new Error(`Expected a ${mode} frame`);
    return JSON.parse(text) as T;
  }

  /** Closes from the client side and waits for the app to finish; app errors are re-thrown. */
  async close(code = 1000, reason?: string): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.send({ type: 'websocket.disconnect', code, reason: reason ?? null });
    }
    await this.task;
    // Surface an error the app raised after the last message was read.
    let item = this.fromApp.getNowait();
    while (item !== undefined) {
      if ('kind' in item && item.kind === 'error') throw item.error;
      item = this.fromApp.getNowait();
    }
  }

  /** `await using ws = await client.websocketConnect(...)` closes it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
