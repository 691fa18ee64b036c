/**
 * The Response family, as Starlette's `starlette.responses`. Each response is an
 * ASGI app (see {@link ASGIObject}): `await response(scope, receive, send)` sends it.
 */
import type { Header, Receive, Scope, Send } from 'asgi-core';
import { ASGIObject } from './asgi';
import { BackgroundTask, runBackground } from './background';
import { JSONRenderError } from './errors';
import { MutableHeaders } from './headers';
import { BodyPump } from './internal/body-pump';
import { type CookieOptions, serializeCookie } from './internal/cookies';
import { quote } from './internal/quote';
import { ReceiveChannel } from './internal/receive-channel';
import type { URL } from './url';

export type { CookieOptions } from './internal/cookies';

/** Response headers: a mapping or `[name, value]` pairs (names are lower-cased). */
export type HeadersLike = Record<string, string> | Iterable<readonly [string, string]>;

/** Options every response accepts. */
export interface ResponseOptions {
  /** The HTTP status code (default 200; RedirectResponse 307). */
  status?: number;
  /** Extra headers; a `content-type`/`content-length` here wins over the computed ones. */
  headers?: HeadersLike | null;
  /** Overrides the class's media type; `text/*` gets `; charset=utf-8`. */
  mediaType?: string | null;
  /** Work to run after the response has been sent. */
  background?: BackgroundTask | null;
}

const EMPTY = new Uint8Array(0);

/** True when RFC 9110 forbids a body: 1xx, 204 and 304. */
function statusForbidsBody(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

/** Whether this exchange must not carry a body (status, or a HEAD request, RFC 9110 section 9.3.2). */
export function isBodyless(scope: Scope, status: number): boolean {
  return statusForbidsBody(status) || (scope.type === 'http' && scope.method === 'HEAD');
}

/**
 * An HTTP response with a body known in advance.
 *
 * @example
 * return new Response('<b>hi</b>', { status: 200, mediaType: 'text/html' });
 */
export class Response extends ASGIObject {
  /** The media type used when the options give none (subclasses set it: `text/html`, ...). */
  static defaultMediaType: string | null = null;

  /** Charset appended to `text/*` media types. */
  charset = 'utf-8';
  /** The HTTP status code. */
  statusCode: number;
  /** The media type, or null for none. */
  mediaType: string | null;
  /** Work run after the response is sent. */
  background: BackgroundTask | undefined;
  /** The rendered body. */
  body: Uint8Array;
  /** The header pairs that will be sent (mutate them through `headers`). */
  rawHeaders: Header[] = [];
  private _headers: MutableHeaders | undefined;

  constructor(content?: unknown, options: ResponseOptions = {}) {
    super();
    this.statusCode = options.status ?? 200;
    this.mediaType = options.mediaType !== undefined ? options.mediaType : (new.target as typeof Response).defaultMediaType;
    this.background = options.background ?? undefined;
    this.body = this.render(content);
    this.initHeaders(options.headers);
  }

  /** Turns the content into bytes: strings are encoded, bytes kept, null/undefined is empty. */
  render(content: unknown): Uint8Array {
    if (content == null) return EMPTY;
    if (content instanceof Uint8Array) return content;
    if (typeof content === 'string') return Buffer.from(content, 'utf8');
    if (content instanceof ArrayBuffer) return new Uint8Array(content);
    throw new TypeError(`${this.constructor.name} content must be a string or bytes, got ${typeof content}; use JSONResponse for objects`);
  }

  /**
   * Builds `rawHeaders` from `headers` plus `content-length` (from `body`, omitted when it
   * is null or the status forbids a body) and `content-type` (from `mediaType`), unless given.
   */
  initHeaders(headers?: HeadersLike | null, body: Uint8Array | null = this.body): void {
    const raw: Header[] = [];
    let hasLength = false;
    let hasType = false;
    if (headers != null) {
      const entries = Symbol.iterator in headers ? (headers as Iterable<readonly [string, string]>) : Object.entries(headers);
      for (const [key, value] of entries) {
        const name = key.toLowerCase();
        if (name === 'content-length') hasLength = true;
        else if (name === 'content-type') hasType = true;
        raw.push([name, String(value)]);
      }
    }
    if (body !== null && !hasLength && !statusForbidsBody(this.statusCode)) {
      raw.push(['content-length', String(body.byteLength)]);
    }
    let contentType = this.mediaType;
    if (contentType != null && !hasType) {
      if (contentType.startsWith('text/') && !contentType.toLowerCase().includes('charset=')) {
        contentType += `; charset=${this.charset}`;
      }
      raw.push(['content-type', contentType]);
    }
    this.rawHeaders = raw;
    this._headers = undefined;
  }

  /** The response headers, mutable in place. */
  get headers(): MutableHeaders {
    return (this._headers ??= new MutableHeaders({ raw: this.rawHeaders }));
  }

  /**
   * Adds a `Set-Cookie` header, formatted as Starlette's `set_cookie` (path `/`, SameSite `lax`
   * by default).
   */
  setCookie(key: string, value = '', options: CookieOptions = {}): void {
    this.rawHeaders.push(['set-cookie', serializeCookie(key, value, options)]);
  }

  /** Expires a cookie: empty value, `Max-Age=0` and an `expires` of now, as Starlette's `delete_cookie`. */
  deleteCookie(key: string, options: Omit<CookieOptions, 'maxAge' | 'expires'> = {}): void {
    this.setCookie(key, '', { ...options, maxAge: 0, expires: 0 });
  }

  /** Sends the response (over `websocket.http.response.*` in a websocket scope), then runs `background`. */
  async call(scope: Scope, _receive: Receive, send: Send): Promise<void> {
    const bodyless = isBodyless(scope, this.statusCode);
    if (scope.type === 'websocket') {
      await send({ type: 'websocket.http.response.start', status: this.statusCode, headers: this.rawHeaders });
      await send({ type: 'websocket.http.response.body', body: bodyless ? EMPTY : this.body });
    } else {
      await send({ type: 'http.response.start', status: this.statusCode, headers: this.rawHeaders });
      await send({ type: 'http.response.body', body: bodyless ? EMPTY : this.body });
    }
    if (this.background !== undefined) await runBackground(this.background);
  }
}

/** A `text/html` response. */
export class HTMLResponse extends Response {
  static override defaultMediaType: string | null = 'text/html';
}

/** A `text/plain` response. */
export class PlainTextResponse extends Response {
  static override defaultMediaType: string | null = 'text/plain';
}

function rejectNonFinite(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new JSONRenderError(`Out of range float values are not JSON compliant: ${value}`);
  }
  return value;
}

/**
 * Renders `value` as compact JSON like Starlette (`separators=(",", ":")`, non-ASCII kept,
 * NaN/Infinity rejected instead of becoming `null`). `undefined` renders as `null`.
 */
export function renderJSON(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
    // JSON.stringify writes NaN/Infinity as null: check again only when a null appeared.
    if (text !== undefined && text.includes('null')) JSON.stringify(value, rejectNonFinite);
  } catch (error) {
    if (error instanceof JSONRenderError) throw error;
    throw new JSONRenderError(`Value is not JSON serializable: ${(error as Error).message}`, { cause: error });
  }
  return text ?? 'null';
}

/**
 * An `application/json` response rendered compactly, as Starlette's JSONResponse.
 *
 * @example
 * return new JSONResponse({ hello: 'world' }, { status: 201 });
 */
export class JSONResponse extends Response {
  static override defaultMediaType: string | null = 'application/json';

  override render(content: unknown): Uint8Array {
    return Buffer.from(renderJSON(content), 'utf8');
  }
}

/** Characters Starlette leaves unescaped in a redirect `location`. */
const LOCATION_SAFE = ":/%#?=@[]!$&'()*+,;";

/**
 * A redirect (307 by default) with the `location` percent-encoded as Starlette does.
 *
 * @example
 * return new RedirectResponse('/login', { status: 303 });
 */
export class RedirectResponse extends Response {
  constructor(url: string | URL, options: Omit<ResponseOptions, 'mediaType'> = {}) {
    super(undefined, { ...options, status: options.status ?? 307 });
    this.headers.set('location', quote(String(url), LOCATION_SAFE));
  }
}

/** A chunk a StreamingResponse can send. */
export type StreamChunk = string | Uint8Array;
/** The body of a StreamingResponse: an async or sync iterable of chunks. */
export type StreamContent = AsyncIterable<StreamChunk> | Iterable<StreamChunk>;

function iteratorOf(content: StreamContent): AsyncIterator<StreamChunk> | Iterator<StreamChunk> {
  if (typeof (content as AsyncIterable<StreamChunk>)[Symbol.asyncIterator] === 'function') {
    return (content as AsyncIterable<StreamChunk>)[Symbol.asyncIterator]();
  }
  if (typeof (content as Iterable<StreamChunk>)[Symbol.iterator] === 'function' && typeof content !== 'string') {
    return (content as Iterable<StreamChunk>)[Symbol.iterator]();
  }
  throw new TypeError('StreamingResponse content must be an async iterable or an iterable of strings/bytes');
}

function encodeChunk(chunk: StreamChunk): Uint8Array {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk instanceof Uint8Array) return chunk;
  throw new TypeError(`StreamingResponse chunks must be strings or bytes, got ${typeof chunk}`);
}

/**
 * A response whose body is produced by an (async) iterable. It listens for
 * `http.disconnect` while streaming and, when the client leaves, stops the iterator
 * (its `finally` blocks run) instead of producing for nobody.
 *
 * The listener shares the connection's receive channel with the Request, so the
 * iterator may itself read `request.stream()` (a streaming echo) without losing chunks.
 *
 * @example
 * async function* numbers() { for (let i = 0; i < 3; i++) yield `${i}\n`; }
 * return new StreamingResponse(numbers(), { mediaType: 'text/plain' });
 */
export class StreamingResponse extends Response {
  /** The iterable the body is read from. */
  bodyIterator: StreamContent;

  constructor(content: StreamContent, options: ResponseOptions = {}) {
    super(undefined, options);
    this.bodyIterator = content;
  }

  /** No content-length: the size is not known in advance. */
  override initHeaders(headers?: HeadersLike | null): void {
    super.initHeaders(headers, null);
  }

  override async call(scope: Scope, receive: Receive, send: Send): Promise<void> {
    // The seed's listen_for_disconnect, through the connection's shared receive channel so
    // a body still being read by the iterator is not stolen.
    const channel = scope.type === 'http' ? ReceiveChannel.of(receive) : undefined;
    const pump = new BodyPump(iteratorOf(this.bodyIterator), encodeChunk, channel ? channel.watch() : new Promise(() => undefined));
    await pump.respond(scope, send, {
      status: this.statusCode,
      headers: this.rawHeaders,
      bodyless: isBodyless(scope, this.statusCode),
      name: 'StreamingResponse',
      onEnd: () => channel?.unwatch(),
    });
    await runBackground(this.background);
  }
}
