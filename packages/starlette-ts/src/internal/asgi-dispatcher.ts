// An undici Dispatcher that answers requests by calling an ASGI app in-process (no
// socket): the transport of TestClient, as Starlette's _TestClientTransport.
import { Buffer } from 'node:buffer';
import { STATUS_CODES } from 'node:http';
import type { ASGIApp, Header, HTTPScope, ReceiveMessage, SendMessage } from 'asgi-core';
import type { Dispatcher } from 'undici';
import { ResponseProtocolError } from '../errors';
import { unquote } from './quote';
import { setOwn } from './own';

/** How the dispatcher builds scopes and treats failures. */
export interface ASGIDispatcherOptions {
  rootPath: string;
  raiseServerExceptions: boolean;
  client: [string, number];
  /** The lifespan state; each request gets a shallow copy. */
  appState: Record<string, unknown>;
}

type Handler = Dispatcher.DispatchHandler;

function normaliseHeaders(headers: unknown): Header[] {
  const out: Header[] = [];
  if (headers == null) return out;
  const push = (name: unknown, value: unknown) => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) for (const v of value) out.push([String(name).toLowerCase(), String(v)]);
    else out.push([String(name).toLowerCase(), String(value)]);
  };
  if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0])) for (const [k, v] of headers as [unknown, unknown][]) push(k, v);
    else for (let i = 0; i < headers.length; i += 2) push(headers[i], headers[i + 1]);
  } else if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const [k, v] of headers as Iterable<[unknown, unknown]>) push(k, v);
  } else {
    for (const [k, v] of Object.entries(headers as Record<string, unknown>)) push(k, v);
  }
  return out;
}

async function readBody(body: unknown): Promise<Buffer> {
  if (body == null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  const chunks: Buffer[] = [];
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    for await (const chunk of body as AsyncIterable<unknown>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }
  if (typeof (body as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const chunk of body as Iterable<unknown>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }
  throw new TypeError(`Unsupported request body type: ${Object.prototype.toString.call(body)}`);
}

/** The outcome of one in-process exchange. */
interface Exchange {
  status: number;
  headers: Header[];
  body: Buffer;
}

type DispatcherClass = new (app: ASGIApp, options: ASGIDispatcherOptions) => Dispatcher;
let dispatcherClass: DispatcherClass | undefined;

/**
 * Creates the dispatcher. undici is loaded here, on the first TestClient, not when
 * starlette-ts is imported: it is ~150 ms of a production app's start-up otherwise.
 */
export function createASGIDispatcher(app: ASGIApp, options: ASGIDispatcherOptions): Dispatcher {
  dispatcherClass ??= defineDispatcher((require('undici') as typeof import('undici')).Dispatcher);
  return new dispatcherClass(app, options);
}

function defineDispatcher(Base: typeof Dispatcher): DispatcherClass {
  /**
   * Dispatches each undici request to the ASGI app and replays the app's messages to the
   * undici handler once the app has finished (so exceptions after the start still surface).
   */
  class ASGIDispatcher extends Base {
    private readonly app: ASGIApp;
    private readonly options: ASGIDispatcherOptions;

    constructor(app: ASGIApp, options: ASGIDispatcherOptions) {
      super();
      this.app = app;
      this.options = options;
    }

    override dispatch(opts: Dispatcher.DispatchOptions, handler: Handler): boolean {
      let aborted: Error | undefined;
      const abort = (reason?: Error) => {
        aborted = reason ?? new Error('Request aborted');
      };
      const controller = {
        abort,
        pause() {},
        resume() {},
        get aborted() {
          return aborted !== undefined;
        },
        get paused() {
          return false;
        },
        reason: null,
      };
      if (handler.onRequestStart) handler.onRequestStart(controller as never, {});
      else handler.onConnect?.(abort);
      this.exchange(opts).then(
        (result) => {
          if (aborted) return this.fail(handler, controller, aborted);
          this.deliver(handler, controller, opts.method === 'HEAD', result);
        },
        (error: Error) => this.fail(handler, controller, aborted ?? error),
      );
      return true;
    }

    private fail(handler: Handler, controller: unknown, error: Error): void {
      if (handler.onResponseError) handler.onResponseError(controller as never, error);
      else if (handler.onError) handler.onError(error);
    }

    private deliver(handler: Handler, controller: unknown, head: boolean, result: Exchange): void {
      const statusText = STATUS_CODES[result.status] ?? '';
      if (handler.onResponseStart) {
        const headers: Record<string, string | string[]> = {};
        for (const [name, value] of result.headers) {
          const existing = Object.hasOwn(headers, name) ? headers[name] : undefined;
          setOwn(headers, name, existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]);
        }
        handler.onResponseStart(controller as never, result.status, headers, statusText);
        if (!head && result.body.length > 0) handler.onResponseData?.(controller as never, result.body);
        handler.onResponseEnd?.(controller as never, {});
        return;
      }
      const raw: Buffer[] = [];
      for (const [name, value] of result.headers) raw.push(Buffer.from(name, 'latin1'), Buffer.from(value, 'latin1'));
      handler.onResponseStarted?.();
      handler.onHeaders?.(result.status, raw, () => undefined, statusText);
      if (!head && result.body.length > 0) handler.onData?.(result.body);
      handler.onComplete?.([]);
    }

    private async exchange(opts: Dispatcher.DispatchOptions): Promise<Exchange> {
      const origin = new globalThis.URL(String(opts.origin ?? 'http://testserver'));
      const [rawPath, query = ''] = splitOnce(opts.path, '?');
      const headers = normaliseHeaders(opts.headers);
      if (!headers.some(([name]) => name === 'host')) headers.unshift(['host', origin.host]);
      const body = await readBody(opts.body);
      const scheme = origin.protocol === 'https:' ? 'https' : 'http';
      const port = origin.port !== '' ? Number(origin.port) : scheme === 'https' ? 443 : 80;
      const rawPathLatin1 = Buffer.from(rawPath, 'utf8').toString('latin1');
      const scope: HTTPScope = {
        type: 'http',
        asgi: { version: '3.0', spec_version: '2.4' },
        http_version: '1.1',
        method: opts.method.toUpperCase(),
        scheme,
        path: unquote(rawPath),
        raw_path: rawPathLatin1,
        query_string: Buffer.from(query, 'utf8').toString('latin1'),
        root_path: this.options.rootPath,
        headers,
        client: this.options.client,
        server: [origin.hostname, port],
        state: { ...this.options.appState },
        extensions: { 'http.response.debug': {} },
      };

      let requestSent = false;
      let responseStarted = false;
      let responseComplete = false;
      let onComplete!: () => void;
      const complete = new Promise<void>((resolve) => (onComplete = resolve));
      const status = { code: 500 };
      let responseHeaders: Header[] = [];
      const chunks: Buffer[] = [];

      const receive = async (): Promise<ReceiveMessage> => {
        if (!requestSent) {
          requestSent = true;
          return { type: 'http.request', body, more_body: false };
        }
        // After the body, the next event is the disconnect once the response is done.
        await complete;
        return { type: 'http.disconnect' };
      };
      const send = async (message: SendMessage): Promise<void> => {
        if (message.type === 'http.response.start') {
          if (responseStarted) throw new ResponseProtocolError('Response already started: cannot send http.response.start twice');
          responseStarted = true;
          status.code = message.status;
          responseHeaders = [...(message.headers ?? [])].map(([k, v]): Header => [String(k).toLowerCase(), String(v)]);
        } else if (message.type === 'http.response.body') {
          if (!responseStarted) throw new ResponseProtocolError('Response body sent before http.response.start');
          if (responseComplete) throw new ResponseProtocolError('Response already complete: cannot send more body');
          if (message.body && message.body.byteLength > 0) chunks.push(Buffer.from(message.body));
          if (!message.more_body) {
            responseComplete = true;
            onComplete();
          }
        }
      };

      try {
        await this.app(scope, receive, send);
      } catch (error) {
        onComplete();
        if (this.options.raiseServerExceptions) throw error;
        if (!responseStarted) return { status: 500, headers: [], body: Buffer.alloc(0) };
      }
      onComplete();
      if (!responseStarted) {
        if (this.options.raiseServerExceptions) throw new ResponseProtocolError('TestClient did not receive any response.');
        return { status: 500, headers: [], body: Buffer.alloc(0) };
      }
      return { status: status.code, headers: responseHeaders, body: Buffer.concat(chunks) };
    }

    override async close(): Promise<void> {}
    override async destroy(): Promise<void> {}
  }
  return ASGIDispatcher;
}

function splitOnce(text: string, separator: string): [string, string?] {
  const index = text.indexOf(separator);
  return index === -1 ? [text] : [text.slice(0, index), text.slice(index + 1)];
}
