/**
 * The ASGI 3 contract in TypeScript (https://asgi.readthedocs.io/en/latest/specs/).
 *
 * Byte strings of the spec map as follows:
 * - bodies and binary frames are `Uint8Array` (a Buffer is one);
 * - header names and values, `query_string` and `raw_path` are latin-1 strings
 *   (one char per byte), header names lower-cased. Strings avoid a Buffer per
 *   header on the hot path and convert losslessly with `Buffer.from(s, 'latin1')`.
 */

/** A header as the spec's `[name, value]` byte pair, as latin-1 strings; the name is lower-case. */
export type Header = [name: string, value: string];

/** `[host, port]`, or `[path, null]` for a unix socket (the spec's `client`/`server`). */
export type Address = [host: string, port: number | null];

/** The ASGI version info every scope carries. */
export interface ASGIInfo {
  version: '3.0';
  spec_version: string;
}

/** Extensions the server advertises in `scope.extensions` (ASGI "Extensions" spec). */
export interface Extensions {
  'http.response.trailers'?: Record<string, never>;
  'http.response.pathsend'?: Record<string, never>;
  'websocket.http.response'?: Record<string, never>;
  [name: string]: Record<string, unknown> | undefined;
}

/** Fields shared by the http and websocket connection scopes. */
interface ConnectionScope {
  asgi: ASGIInfo;
  http_version: '1.0' | '1.1' | '2';
  /**
   * The decoded path (percent-escapes resolved, UTF-8). It starts with `root_path`, as
   * uvicorn >= 0.26 sends it; routers match on the part after `root_path`.
   */
  path: string;
  /** The path as it came on the wire (latin-1), undecoded, without the query, after `root_path`. */
  raw_path: string;
  /** Everything after `?`, undecoded (latin-1). */
  query_string: string;
  root_path: string;
  headers: Header[];
  client: Address | null;
  server: Address | null;
  /** A shallow copy of what lifespan startup stored, per connection. */
  state?: Record<string, unknown>;
  extensions?: Extensions;
  /** Frameworks hang their own keys on the scope (Starlette's `app`, `router`, `path_params`, ...). */
  [key: string]: unknown;
}

/** The scope of one HTTP request. */
export interface HTTPScope extends ConnectionScope {
  type: 'http';
  method: string;
  scheme: 'http' | 'https';
}

/** The scope of one WebSocket connection. */
export interface WebSocketScope extends ConnectionScope {
  type: 'websocket';
  scheme: 'ws' | 'wss';
  subprotocols: string[];
}

/** The scope of the application's lifespan (startup and shutdown). */
export interface LifespanScope {
  type: 'lifespan';
  asgi: ASGIInfo;
  state?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Any scope: a discriminated union on `type`. */
export type Scope = HTTPScope | WebSocketScope | LifespanScope;

// ---------------------------------------------------------------- http messages

/** A chunk of the request body; `more_body: false` marks the last one. */
export interface HTTPRequestEvent {
  type: 'http.request';
  body: Uint8Array;
  more_body: boolean;
}

/** The client went away, or the response was completed and nothing more will come. */
export interface HTTPDisconnectEvent {
  type: 'http.disconnect';
}

/** Starts the response: status and headers. Sent exactly once, before any body. */
export interface HTTPResponseStartEvent {
  type: 'http.response.start';
  status: number;
  headers?: Iterable<Header>;
  /** With the `http.response.trailers` extension: trailers follow the body. */
  trailers?: boolean;
}

/** A chunk of the response body; `more_body: false` (the default) completes it. */
export interface HTTPResponseBodyEvent {
  type: 'http.response.body';
  body?: Uint8Array;
  more_body?: boolean;
}

/** Trailing headers (extension `http.response.trailers`). */
export interface HTTPResponseTrailersEvent {
  type: 'http.response.trailers';
  headers?: Iterable<Header>;
  more_trailers?: boolean;
}

/** Send a file as the body by path (extension `http.response.pathsend`). */
export interface HTTPResponsePathsendEvent {
  type: 'http.response.pathsend';
  path: string;
}

/**
 * asgi-core's own extension: a send callable carrying `[ACCEPTS_TEXT]: true` also takes the whole
 * body as text, sent UTF-8 encoded: what `http.response.body` with those bytes (and no `more_body`)
 * does, without encoding the text to bytes in JavaScript first. With a `status` (and `headers`) the
 * message is the whole response: `http.response.start` and the text in one call, before anything
 * else was sent. It is offered by the send callable, not in `scope.extensions`: a middleware that
 * wraps send to see the body does not carry the mark over, so the message only reaches sends that
 * pass it on deliberately.
 */
export interface HTTPResponseTextEvent {
  type: 'http.response.text';
  text: string;
  /** The response's status: the message also starts the response (as `http.response.start`). */
  status?: number;
  /** With `status`: the response's headers, as `http.response.start`'s. */
  headers?: Iterable<Header>;
}

/** The mark of a send callable that takes {@link HTTPResponseTextEvent}. */
export const ACCEPTS_TEXT: unique symbol = Symbol.for('asgi-core.http.response.text');

/** A send callable, with the {@link ACCEPTS_TEXT} mark where it takes text bodies. */
export type MarkableSend = Send & { [ACCEPTS_TEXT]?: true };

// ----------------------------------------------------------- websocket messages

/** The client asks to open the connection. */
export interface WebSocketConnectEvent {
  type: 'websocket.connect';
}

/** The app accepts the connection. */
export interface WebSocketAcceptEvent {
  type: 'websocket.accept';
  subprotocol?: string | null;
  headers?: Iterable<Header>;
}

/** A message from the client: exactly one of `bytes` or `text` is set. */
export interface WebSocketReceiveEvent {
  type: 'websocket.receive';
  bytes?: Uint8Array | null;
  text?: string | null;
}

/** A message to the client: exactly one of `bytes` or `text` is set. */
export interface WebSocketSendEvent {
  type: 'websocket.send';
  bytes?: Uint8Array | null;
  text?: string | null;
}

/** The app closes the connection (or rejects it with 403 before accepting). */
export interface WebSocketCloseEvent {
  type: 'websocket.close';
  code?: number;
  reason?: string | null;
}

/** The connection closed, by either side. */
export interface WebSocketDisconnectEvent {
  type: 'websocket.disconnect';
  code: number;
  reason?: string | null;
}

/** Denial response start (extension `websocket.http.response`), instead of accepting. */
export interface WebSocketResponseStartEvent {
  type: 'websocket.http.response.start';
  status: number;
  headers?: Iterable<Header>;
}

/** Denial response body (extension `websocket.http.response`). */
export interface WebSocketResponseBodyEvent {
  type: 'websocket.http.response.body';
  body?: Uint8Array;
  more_body?: boolean;
}

// ----------------------------------------------------------- lifespan messages

export interface LifespanStartupEvent {
  type: 'lifespan.startup';
}
export interface LifespanShutdownEvent {
  type: 'lifespan.shutdown';
}
export interface LifespanStartupCompleteEvent {
  type: 'lifespan.startup.complete';
}
export interface LifespanStartupFailedEvent {
  type: 'lifespan.startup.failed';
  message?: string;
}
export interface LifespanShutdownCompleteEvent {
  type: 'lifespan.shutdown.complete';
}
export interface LifespanShutdownFailedEvent {
  type: 'lifespan.shutdown.failed';
  message?: string;
}

// -------------------------------------------------------------------- unions

/** What `receive()` can return for an http scope. */
export type HTTPReceiveMessage = HTTPRequestEvent | HTTPDisconnectEvent;
/** What `send()` accepts for an http scope. */
export type HTTPSendMessage =
  | HTTPResponseStartEvent
  | HTTPResponseBodyEvent
  | HTTPResponseTrailersEvent
  | HTTPResponsePathsendEvent
  | HTTPResponseTextEvent;

/** What `receive()` can return for a websocket scope. */
export type WebSocketReceiveMessage = WebSocketConnectEvent | WebSocketReceiveEvent | WebSocketDisconnectEvent;
/** What `send()` accepts for a websocket scope. */
export type WebSocketSendMessage =
  | WebSocketAcceptEvent
  | WebSocketSendEvent
  | WebSocketCloseEvent
  | WebSocketResponseStartEvent
  | WebSocketResponseBodyEvent;

/** What `receive()` can return for a lifespan scope. */
export type LifespanReceiveMessage = LifespanStartupEvent | LifespanShutdownEvent;
/** What `send()` accepts for a lifespan scope. */
export type LifespanSendMessage =
  | LifespanStartupCompleteEvent
  | LifespanStartupFailedEvent
  | LifespanShutdownCompleteEvent
  | LifespanShutdownFailedEvent;

/** Every event a server can hand to the app. */
export type ReceiveMessage = HTTPReceiveMessage | WebSocketReceiveMessage | LifespanReceiveMessage;
/** Every event an app can hand to the server. */
export type SendMessage = HTTPSendMessage | WebSocketSendMessage | LifespanSendMessage;
/** Any ASGI message. */
export type Message = ReceiveMessage | SendMessage;

/** Awaits the next event from the server. */
export type Receive = () => Promise<ReceiveMessage>;
/** Hands an event to the server; resolves when the server accepted it (backpressure). */
export type Send = (message: SendMessage) => Promise<void>;

/**
 * An ASGI 3 application. Every response, route, router, middleware and app
 * in this project is one.
 *
 * @example
 * const app: ASGIApp = async (scope, receive, send) => {
 *   if (scope.type !== 'http') return;
 *   await send({ type: 'http.response.start', status: 200, headers: [['content-type', 'text/plain']] });
 *   await send({ type: 'http.response.body', body: Buffer.from('Hello') });
 * };
 */
export type ASGIApp = (scope: Scope, receive: Receive, send: Send) => Promise<void>;
