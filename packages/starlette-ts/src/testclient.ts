/**
 * TestClient, as Starlette's: drives an ASGI app in-process through a custom undici
 * Dispatcher (no socket), with a cookie jar, redirects, lifespan and WebSockets.
 *
 * Responses are fully read before the call resolves, so, as with httpx, `response.text`
 * is a property and `response.json()` a method.
 */
import { Buffer } from 'node:buffer';
import type { ASGIApp, ReceiveMessage, SendMessage, WebSocketScope } from 'asgi-core';
import { type ASGIAppLike, toASGIApp } from './asgi';
import { LifespanError } from './errors';
import { Headers } from './headers';
import type { Dispatcher } from 'undici';
import { createASGIDispatcher } from './internal/asgi-dispatcher';
import { CookieJar } from './internal/cookie-jar';
import { AsyncQueue } from './internal/queue';
import { unquote, urlencode } from './internal/quote';
import { decodeContent, TestResponse } from './testclient-response';
import { WebSocketTestSession } from './testclient-websocket';

/** undici, loaded on first use: importing starlette-ts in production must not pay for it (~150 ms). */
const undici = (): typeof import('undici') => require('undici');

export { TestResponse } from './testclient-response';

export { WebSocketDenialResponse, WebSocketTestSession } from './testclient-websocket';

/** Options of {@link TestClient}. */
export interface TestClientOptions {
  /** Default `http://testserver`. */
  baseUrl?: string;
  /** Re-throw errors raised by the app into the test (default true), as Starlette. */
  raiseServerExceptions?: boolean;
  /** The `root_path` of every scope. */
  rootPath?: string;
  /** Follow redirects (default true). */
  followRedirects?: boolean;
  /** Initial cookies. */
  cookies?: Record<string, string>;
  /** Default headers (merged over `user-agent: testclient`). */
  headers?: Record<string, string>;
  /** The client address in scopes (default `['testclient', 50000]`). */
  client?: [string, number];
}

/** A file to upload: a Blob, raw content, `[filename, content, contentType?]` or an object. */
export type FileInput =
  | Blob
  | Uint8Array
  | string
  | [filename: string, content: string | Uint8Array | Blob, contentType?: string]
  | { filename?: string; content: string | Uint8Array | Blob; contentType?: string };

/** Per-request options, as httpx's keywords. */
export interface TestRequestOptions {
  params?: Record<string, unknown> | Iterable<readonly [string, unknown]> | string;
  headers?: Record<string, string> | Iterable<readonly [string, string]>;
  /** A JSON body (compact, as httpx). */
  json?: unknown;
  /** A raw body. */
  content?: string | Uint8Array;
  /** Form fields (urlencoded, or multipart with `files`). */
  data?: Record<string, string | number | boolean | (string | number | boolean)[]>;
  /** Files for a multipart body. */
  files?: Record<string, FileInput | FileInput[]>;
  /** Extra cookies for this request only. */
  cookies?: Record<string, string>;
  /** Overrides the client's `followRedirects`. */
  followRedirects?: boolean;
}

function toPairs(input: Record<string, unknown> | Iterable<readonly [string, unknown]>): [string, unknown][] {
  return Symbol.iterator in input ? [...(input as Iterable<readonly [string, unknown]>)].map(([k, v]) => [k, v]) : Object.entries(input);
}

function fileParts(input: FileInput): { blob: Blob; filename: string } {
  let filename = 'upload';
  let content: string | Uint8Array | Blob;
  let type: string | undefined;
  if (Array.isArray(input)) [filename, content, type] = input;
  else if (input instanceof Blob || input instanceof Uint8Array || typeof input === 'string') content = input;
  else ({ filename = 'upload', content, contentType: type } = input);
  const blob = content instanceof Blob ? content : new Blob([content as Uint8Array], type ? { type } : {});
  return { blob, filename };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Calls an ASGI app in-process, as Starlette's TestClient.
 *
 * @example
 * await using client = new TestClient(app);
 * await client.start(); // runs lifespan startup
 * const response = await client.get('/items/1', { params: { q: 'x' } });
 * expect(response.status).toBe(200);
 * expect(response.json()).toEqual({ id: 1, q: 'x' });
 */
export class TestClient {
  /** The app under test. */
  readonly app: ASGIApp;
  /** The base URL requests are resolved against. */
  readonly baseUrl: string;
  /** The lifespan state shared (shallow-copied) into every scope. */
  readonly appState: Record<string, unknown> = {};
  /** The undici Dispatcher that runs the app. */
  readonly dispatcher: Dispatcher;
  private readonly config: Required<Omit<TestClientOptions, 'cookies' | 'baseUrl'>>;
  private readonly jar = new CookieJar();
  private lifespan: { toApp: AsyncQueue<ReceiveMessage>; fromApp: AsyncQueue<SendMessage | { error?: unknown; done: true }> } | undefined;

  constructor(app: ASGIAppLike, options: TestClientOptions = {}) {
    this.app = toASGIApp(app);
    this.baseUrl = options.baseUrl ?? 'http://testserver';
    this.config = {
      raiseServerExceptions: options.raiseServerExceptions ?? true,
      rootPath: options.rootPath ?? '',
      followRedirects: options.followRedirects ?? true,
      headers: { 'user-agent': 'testclient', ...options.headers },
      client: options.client ?? ['testclient', 50000],
    };
    for (const [name, value] of Object.entries(options.cookies ?? {})) this.jar.set(name, value);
    this.dispatcher = createASGIDispatcher(this.app, {
      rootPath: this.config.rootPath,
      raiseServerExceptions: this.config.raiseServerExceptions,
      client: this.config.client,
      appState: this.appState,
    });
  }

  /** The cookies in the jar. */
  get cookies(): Record<string, string> {
    return this.jar.toRecord();
  }

  /** Sets a cookie in the jar. */
  setCookie(name: string, value: string): void {
    this.jar.set(name, value);
  }

  /** GET */
  get(url: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request('GET', url, options);
  }
  /** HEAD */
  head(url: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request('HEAD', url, options);
  }
  /** OPTIONS */
  options(url: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request('OPTIONS', url, options);
  }
  /** POST */
  post(url: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request('POST', url, options);
  }
  /** PUT */
  put(url: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request('PUT', url, options);
  }
  /** PATCH */
  patch(url: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request('PATCH', url, options);
  }
  /** DELETE */
  delete(url: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request('DELETE', url, options);
  }

  private resolve(url: string, params?: TestRequestOptions['params']): globalThis.URL {
    const target = new globalThis.URL(url, this.baseUrl);
    if (params !== undefined) {
      const encoded = typeof params === 'string' ? params : urlencode(toPairs(params).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x): [string, unknown] => [k, x]) : [[k, v] as [string, unknown]])));
      if (encoded !== '') target.search = target.search ? `${target.search.slice(1)}&${encoded}` : encoded;
    }
    return target;
  }

  private async encodeBody(options: TestRequestOptions): Promise<{ body?: Buffer; contentType?: string }> {
    if (options.content !== undefined) {
      return { body: typeof options.content === 'string' ? Buffer.from(options.content, 'utf8') : Buffer.from(options.content) };
    }
    if (options.files !== undefined) {
      const { FormData, Response } = undici();
      const form = new FormData();
      for (const [key, value] of Object.entries(options.data ?? {})) {
        for (const item of Array.isArray(value) ? value : [value]) form.append(key, String(item));
      }
      for (const [key, value] of Object.entries(options.files)) {
        // A tuple [filename, content, type?] starts with a string; a list of files does not.
        const list = Array.isArray(value) && typeof value[0] !== 'string' ? (value as FileInput[]) : [value as FileInput];
        for (const item of list) {
          const { blob, filename } = fileParts(item);
          form.append(key, blob, filename);
        }
      }
      const encoded = new Response(form);
      return { body: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type') ?? undefined };
    }
    if (options.data !== undefined) {
      const pairs = Object.entries(options.data).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x): [string, unknown] => [k, x]) : [[k, v] as [string, unknown]]));
      return { body: Buffer.from(urlencode(pairs), 'utf8'), contentType: 'application/x-www-form-urlencoded' };
    }
    if (options.json !== undefined) {
      return { body: Buffer.from(JSON.stringify(options.json), 'utf8'), contentType: 'application/json' };
    }
    return {};
  }

  /** Sends a request with any method; follows redirects as httpx (303, and 301/302 after POST, become GET). */
  async request(method: string, url: string, options: TestRequestOptions = {}): Promise<TestResponse> {
    let currentMethod = method.toUpperCase();
    let target = this.resolve(url, options.params);
    let { body, contentType } = await this.encodeBody(options);
    const follow = options.followRedirects ?? this.config.followRedirects;
    const history: TestResponse[] = [];
    for (let hop = 0; ; hop++) {
      const response = await this.send(currentMethod, target, options, body, contentType);
      if (!follow || !REDIRECTS.has(response.status) || !response.headers.has('location')) {
        response.history = history;
        return response;
      }
      if (hop >= 20) throw new Error('Exceeded maximum allowed redirects (20)');
      history.push(response);
      target = new globalThis.URL(response.headers.get('location') as string, target);
      if (response.status === 303 && currentMethod !== 'HEAD') currentMethod = 'GET';
      else if ((response.status === 301 || response.status === 302) && currentMethod === 'POST') currentMethod = 'GET';
      if (currentMethod === 'GET' || currentMethod === 'HEAD') {
        body = undefined;
        contentType = undefined;
      }
    }
  }

  private async send(
    method: string,
    target: globalThis.URL,
    options: TestRequestOptions,
    body: Buffer | undefined,
    contentType: string | undefined,
  ): Promise<TestResponse> {
    const headers = new Map<string, [string, string]>();
    const set = (name: string, value: string) => headers.set(name.toLowerCase(), [name.toLowerCase(), value]);
    set('host', target.host);
    if (body === undefined && (method === 'POST' || method === 'PUT' || method === 'PATCH')) set('content-length', '0');
    set('accept', '*/*');
    set('accept-encoding', 'gzip, deflate, br');
    set('connection', 'keep-alive');
    for (const [name, value] of Object.entries(this.config.headers)) set(name, value);
    for (const [name, value] of toPairs(options.headers ?? {})) set(name, String(value));
    const cookie = this.jar.header(unquote(target.pathname), target.protocol === 'https:', options.cookies);
    if (cookie !== undefined && !headers.has('cookie')) set('cookie', cookie);
    if (body !== undefined) {
      if (!headers.has('content-length')) set('content-length', String(body.length));
      if (contentType !== undefined && !headers.has('content-type')) set('content-type', contentType);
    }
    const request = undici().request;
    const response = await request(target, {
      dispatcher: this.dispatcher,
      method: method as 'GET',
      headers: [...headers.values()].flat(),
      body: body ?? null,
      responseHeaders: 'raw',
    } as Parameters<typeof request>[1]);
    const raw = response.headers as unknown as string[];
    const pairs: [string, string][] = [];
    for (let i = 0; i < raw.length; i += 2) pairs.push([String(raw[i]).toLowerCase(), String(raw[i + 1])]);
    const responseHeaders = new Headers({ raw: pairs });
    const content = decodeContent(Buffer.from(await response.body.arrayBuffer()), responseHeaders.get('content-encoding'));
    this.jar.update(responseHeaders.getlist('set-cookie'), unquote(target.pathname));
    return new TestResponse(response.statusCode, responseHeaders, content, target.toString(), method);
  }

  /**
   * Opens a WebSocket to the app. Throws WebSocketDisconnect when the app closes during
   * the handshake and WebSocketDenialResponse when it answers with HTTP.
   */
  async websocketConnect(
    url: string,
    options: { subprotocols?: string[]; headers?: Record<string, string>; params?: TestRequestOptions['params'] } = {},
  ): Promise<WebSocketTestSession> {
    const target = this.resolve(url, options.params);
    const secure = target.protocol === 'https:' || target.protocol === 'wss:';
    const headers: [string, string][] = [
      ['host', target.host],
      ['connection', 'upgrade'],
      ['upgrade', 'websocket'],
      ['sec-websocket-key', 'dGhlIHNhbXBsZSBub25jZQ=='],
      ['sec-websocket-version', '13'],
      ['user-agent', this.config.headers['user-agent'] ?? 'testclient'],
    ];
    if (options.subprotocols?.length) headers.push(['sec-websocket-protocol', options.subprotocols.join(', ')]);
    for (const [name, value] of Object.entries(options.headers ?? {})) headers.push([name.toLowerCase(), value]);
    const cookie = this.jar.header(unquote(target.pathname), secure);
    if (cookie !== undefined) headers.push(['cookie', cookie]);
    const port = target.port !== '' ? Number(target.port) : secure ? 443 : 80;
    const scope: WebSocketScope = {
      type: 'websocket',
      asgi: { version: '3.0', spec_version: '2.4' },
      http_version: '1.1',
      scheme: secure ? 'wss' : 'ws',
      path: unquote(target.pathname),
      raw_path: target.pathname,
      query_string: target.search.slice(1),
      root_path: this.config.rootPath,
      headers,
      client: this.config.client,
      server: [target.hostname, port],
      subprotocols: options.subprotocols ?? [],
      state: { ...this.appState },
      extensions: { 'websocket.http.response': {} },
    };
    const session = new WebSocketTestSession(this.app, scope, (status, responseHeaders, body) =>
      new TestResponse(status, new Headers({ raw: responseHeaders }), body, target.toString(), 'GET'),
    );
    return session.connect();
  }

  /** Runs lifespan startup; throws the app's error (or LifespanError) when startup fails. */
  async start(): Promise<this> {
    if (this.lifespan !== undefined) return this;
    const toApp = new AsyncQueue<ReceiveMessage>();
    const fromApp = new AsyncQueue<SendMessage | { error?: unknown; done: true }>();
    this.lifespan = { toApp, fromApp };
    const scope = { type: 'lifespan' as const, asgi: { version: '3.0' as const, spec_version: '2.0' }, state: this.appState };
    this.app(scope, () => toApp.get(), async (message) => fromApp.put(message)).then(
      () => fromApp.put({ done: true }),
      (error: unknown) => fromApp.put({ error, done: true }),
    );
    toApp.put({ type: 'lifespan.startup' });
    const message = await fromApp.get();
    if ('done' in message) {
      if ('error' in message && message.error !== undefined) throw message.error;
      return this; // the app does not speak lifespan
    }
    if (message.type === 'lifespan.startup.failed') {
      const after = await fromApp.get();
      if ('error' in after && after.error !== undefined) throw after.error;
      throw new LifespanError(`Lifespan startup failed: ${message.message ?? ''}`);
    }
    if (message.type !== 'lifespan.startup.complete') {
      throw new LifespanError(`Expected "lifespan.startup.complete", got "${message.type}"`);
    }
    return this;
  }

  /** Runs lifespan shutdown (when started); throws the app's error when shutdown fails. */
  async close(): Promise<void> {
    const lifespan = this.lifespan;
    if (lifespan === undefined) return;
    this.lifespan = undefined;
    lifespan.toApp.put({ type: 'lifespan.shutdown' });
    const message = await lifespan.fromApp.get();
    if ('done' in message) {
      if ('error' in message && message.error !== undefined) throw message.error;
      return;
    }
    if (message.type === 'lifespan.shutdown.failed') {
      const after = await lifespan.fromApp.get();
      if ('error' in after && after.error !== undefined) throw after.error;
      throw new LifespanError(`Lifespan shutdown failed: ${message.message ?? ''}`);
    }
  }

  /** `await using client = new TestClient(app)` runs `close()` at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
