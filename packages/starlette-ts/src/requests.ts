/**
 * The incoming connection, as Starlette's `starlette.requests`: HTTPConnection (what
 * HTTP requests and WebSockets share) and Request (the HTTP body readers).
 */
import type { HTTPScope, Receive, ReceiveMessage, Scope, Send, WebSocketScope } from 'asgi-core';
import { Address, QueryParams, State } from './datastructures';
import { ClientDisconnect, JSONDecodeError, MiddlewareNotInstalled, MultiPartException, StreamConsumedError } from './errors';
import { HTTPException } from './exceptions';
import { parseForm, type FormParseOptions } from './formparsers';
import { Headers } from './headers';
import { parseCookieHeader } from './internal/cookies';
import { ReceiveChannel } from './internal/receive-channel';
import type { FormData } from './uploads';
import { URL } from './url';

/** A connection scope (http or websocket) with Starlette's keys. */
export type ConnectionScope = HTTPScope | WebSocketScope;

/** What `urlFor` needs from the router stored in `scope.router`. */
interface URLPathProvider {
  urlPathFor(name: string, params?: Record<string, unknown>): { makeAbsoluteUrl(base: URL): URL };
}

/**
 * What HTTP requests and WebSockets have in common: url, headers, query and path
 * parameters, cookies, client, state, and the app/session from the scope.
 */
export class HTTPConnection {
  /** The ASGI scope. */
  readonly scope: ConnectionScope;
  private _url: URL | undefined;
  private _baseUrl: URL | undefined;
  private _headers: Headers | undefined;
  private _queryParams: QueryParams | undefined;
  private _cookies: Record<string, string> | undefined;
  private _state: State | undefined;

  constructor(scope: Scope) {
    if (scope.type !== 'http' && scope.type !== 'websocket') {
      throw new TypeError(`HTTPConnection needs an http or websocket scope, got "${scope.type}"`);
    }
    this.scope = scope;
  }

  /** The application (`scope.app`), set by Starlette. */
  get app(): unknown {
    return this.scope.app;
  }

  /** The full request URL (scheme, host, path, query). */
  get url(): URL {
    return (this._url ??= new URL({ scope: this.scope }));
  }

  /** The URL of the application root (`root_path` or `app_root_path`, with a trailing slash). */
  get baseUrl(): URL {
    if (this._baseUrl === undefined) {
      const root = (this.scope.app_root_path as string | undefined) ?? this.scope.root_path ?? '';
      const path = root.endsWith('/') ? root : root + '/';
      this._baseUrl = new URL({ scope: { ...this.scope, path, query_string: '', root_path: root } as Scope });
    }
    return this._baseUrl;
  }

  /** Request headers, case-insensitive and multi-valued. */
  get headers(): Headers {
    return (this._headers ??= new Headers({ raw: this.scope.headers }));
  }

  /** Query parameters, multi-valued. */
  get queryParams(): QueryParams {
    return (this._queryParams ??= new QueryParams(this.scope.query_string));
  }

  /** Path parameters converted by the route's convertors. */
  get pathParams(): Record<string, unknown> {
    return (this.scope.path_params as Record<string, unknown> | undefined) ?? {};
  }

  /** Cookies from the `Cookie` header, parsed leniently as Starlette's `cookie_parser`. */
  get cookies(): Record<string, string> {
    if (this._cookies === undefined) {
      const header = this.headers.get('cookie');
      this._cookies = header ? parseCookieHeader(header) : {};
    }
    return this._cookies;
  }

  /** The client address, or null. */
  get client(): Address | null {
    const client = this.scope.client;
    return client ? new Address(client[0], client[1]) : null;
  }

  /** The session dict; requires SessionMiddleware. */
  get session(): Record<string, unknown> {
    if (!('session' in this.scope)) {
      throw new MiddlewareNotInstalled('SessionMiddleware must be installed to access request.session');
    }
    return this.scope.session as Record<string, unknown>;
  }

  /** The auth credentials; requires AuthenticationMiddleware. */
  get auth(): unknown {
    if (!('auth' in this.scope)) {
      throw new MiddlewareNotInstalled('AuthenticationMiddleware must be installed to access request.auth');
    }
    return this.scope.auth;
  }

  /** The authenticated user; requires AuthenticationMiddleware. */
  get user(): unknown {
    if (!('user' in this.scope)) {
      throw new MiddlewareNotInstalled('AuthenticationMiddleware must be installed to access request.user');
    }
    return this.scope.user;
  }

  /** Per-request state over `scope.state` (what lifespan yielded, plus what middleware set). */
  get state(): State {
    if (this._state === undefined) {
      if (this.scope.state === undefined) this.scope.state = {};
      this._state = new State(this.scope.state);
    }
    return this._state;
  }

  /** The absolute URL of the named route with these path parameters. */
  urlFor(name: string, pathParams: Record<string, unknown> = {}): URL {
    const router = (this.scope.router ?? this.scope.app) as URLPathProvider | undefined;
    if (router === undefined || typeof router.urlPathFor !== 'function') {
      throw new TypeError('urlFor needs the router in scope.router (run the request through a Starlette app or Router)');
    }
    return router.urlPathFor(name, pathParams).makeAbsoluteUrl(this.baseUrl);
  }
}

const EMPTY = new Uint8Array(0);

/**
 * Reads a whole HTTP request body from `receive` (its `http.request` messages up to the one without
 * `more_body`); throws ClientDisconnect on `http.disconnect`. What `Request.body()` reads through.
 * The usual body is one message, answered with a `then` in {@link withBody} (an async frame costs
 * more than twice as much); a longer one is collected by {@link collectBody}.
 */
export function readBody(receive: Receive): Promise<Uint8Array> {
  return withBody(receive, (body) => body);
}

/**
 * `readBody(receive).then(use, failed)` without the promise in between when the body is one message:
 * `use` runs in the reaction that received it (one promise, one microtask and, as the bytes are an
 * object, one `then` lookup fewer). `failed` sees only a failure to read; what `use` throws is its own.
 */
export function withBody<T>(
  receive: Receive,
  use: (body: Uint8Array) => T | PromiseLike<T>,
  failed?: (error: unknown) => never,
): Promise<T> {
  return receive().then(
    (message) => (message.type === 'http.request' && !message.more_body ? use(message.body) : collectBody(receive, message).then(use, failed)),
    failed,
  );
}

/** The rest of {@link readBody}, from its `first` message. */
async function collectBody(receive: Receive, first: ReceiveMessage): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let message = first; ; message = await receive()) {
    if (message.type === 'http.request') {
      if (message.body.byteLength > 0) {
        chunks.push(message.body);
        size += message.body.byteLength;
      }
      if (!message.more_body) break;
    } else if (message.type === 'http.disconnect') throw new ClientDisconnect();
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}

/** A receive() for requests created without one: there is no body. */
async function emptyReceive(): Promise<ReceiveMessage> {
  throw new Error('Receive channel has not been made available');
}

/** A send() for requests created without one. */
async function emptySend(): Promise<void> {
  throw new Error('Send channel has not been made available');
}

/**
 * An HTTP request: the connection data plus the body readers.
 *
 * @example
 * const homepage = async (request: Request) => {
 *   const data = await request.json();
 *   return new JSONResponse({ received: data, id: request.pathParams.id });
 * };
 */
export class Request extends HTTPConnection {
  declare readonly scope: HTTPScope;
  private readonly _receive: Receive;
  private readonly _send: Send;
  private _streamConsumed = false;
  private _isDisconnected = false;
  private _body: Uint8Array | undefined;
  private _json: unknown;
  private _hasJson = false;
  private _form: Promise<FormData> | undefined;

  constructor(scope: Scope, receive: Receive = emptyReceive, send: Send = emptySend) {
    super(scope);
    if (scope.type !== 'http') throw new TypeError(`Request needs an http scope, got "${scope.type}"`);
    this._receive = receive;
    this._send = send;
  }

  /** The HTTP method, upper-case. */
  get method(): string {
    return this.scope.method;
  }

  /** The ASGI receive channel. */
  get receive(): Receive {
    return this._receive;
  }

  /**
   * The body as it arrives, chunk by chunk. Iterable once; after `body()` it replays the
   * cached body. A second stream without `body()` throws StreamConsumedError.
   */
  async *stream(): AsyncGenerator<Uint8Array, void, undefined> {
    if (this._body !== undefined) {
      yield this._body;
      yield EMPTY;
      return;
    }
    this.claimStream();
    while (true) {
      const message = await this.nextMessage();
      if (message.type === 'http.request') {
        if (message.body.byteLength > 0) yield message.body;
        if (!message.more_body) break;
      } else if (message.type === 'http.disconnect') this.clientGone();
    }
    yield EMPTY;
  }

  private claimStream(): void {
    if (this._streamConsumed) throw new StreamConsumedError();
    this._streamConsumed = true;
  }

  private clientGone(): never {
    this._isDisconnected = true;
    throw new ClientDisconnect();
  }

  /** The connection's shared receive channel (the StreamingResponse watches the same one). */
  private get channel(): ReceiveChannel {
    if (this._receive === emptyReceive) throw new Error('Receive channel has not been made available');
    return ReceiveChannel.of(this._receive);
  }

  private nextMessage(): Promise<ReceiveMessage> {
    return this.channel.next();
  }

  /** The whole body (read once, then cached). */
  async body(): Promise<Uint8Array> {
    if (this._body === undefined) {
      this.claimStream();
      try {
        this._body = await readBody(this.channel.next);
      } catch (error) {
        if (error instanceof ClientDisconnect) this._isDisconnected = true;
        throw error;
      }
    }
    return this._body;
  }

  /** The body parsed as JSON; throws JSONDecodeError (code `INVALID_JSON`) when it is not JSON. */
  async json<T = unknown>(): Promise<T> {
    if (!this._hasJson) {
      const body = await this.body();
      const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
      try {
        this._json = JSON.parse(text);
      } catch (error) {
        throw new JSONDecodeError((error as Error).message, { cause: error });
      }
      this._hasJson = true;
    }
    return this._json as T;
  }

  /**
   * The body parsed as a form (urlencoded or multipart), with limits. Inside a Starlette
   * app a malformed form becomes HTTPException(400), as in Starlette.
   */
  form(options: FormParseOptions = {}): Promise<FormData> {
    this._form ??= parseForm(this, options).catch((error: unknown) => {
      if (error instanceof MultiPartException && 'app' in this.scope) throw new HTTPException(400, error.message);
      throw error;
    });
    return this._form;
  }

  /** Closes the parsed form's files, if a form was read. */
  async close(): Promise<void> {
    if (this._form !== undefined) {
      const form = await this._form.catch(() => undefined);
      await form?.close();
    }
  }

  /**
   * True when the client has gone: checks for an already-queued `http.disconnect`
   * without waiting for new messages.
   */
  async isDisconnected(): Promise<boolean> {
    if (!this._isDisconnected) {
      // JS cannot cancel a receive(): the channel keeps what arrives (a body chunk is
      // buffered for the body reader, not lost) and we only wait one turn of the loop.
      const channel = this.channel;
      if (!channel.isDisconnected) {
        channel.poke();
        await new Promise((resolve) => setImmediate(resolve));
      }
      this._isDisconnected = channel.isDisconnected;
    }
    return this._isDisconnected;
  }

  /** Sends an HTTP/2 server push promise when the server supports it (no-op otherwise). */
  async sendPushPromise(path: string): Promise<void> {
    if (this.scope.extensions?.['http.response.push'] === undefined) return;
    await this._send({ type: 'http.response.push', path, headers: [] } as never);
  }
}
