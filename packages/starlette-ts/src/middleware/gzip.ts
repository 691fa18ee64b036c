/**
 * GZip compression of response bodies as pure ASGI middleware, with
 * Starlette's GZipMiddleware rules: only when the client accepts gzip, not
 * for bodies under `minimumSize`, not for responses that already have a
 * `content-encoding`, never for `text/event-stream`.
 */
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type { ASGIApp, HTTPResponseBodyEvent, HTTPResponseStartEvent, Receive, Scope, Send, SendMessage } from 'asgi-core';
import { ASGIObject, toASGIApp, type ASGIAppLike } from '../asgi';
import { addVary, deleteHeader, getHeader, messageHeaders, setHeader } from '../internal/asgi-helpers';

const gzipAsync = promisify(zlib.gzip);

// Streams that must reach the client event by event (SSE) are never compressed.
const EXCLUDED_CONTENT_TYPES = ['text/event-stream'];

/** Options of {@link GZipMiddleware}. */
export interface GZipOptions {
  /** Bodies smaller than this many bytes (sent in one message) are left alone. Default 500. */
  minimumSize?: number;
  /** zlib level, 1 (fast) to 9 (small). Default 9. */
  compresslevel?: number;
}

/**
 * Compresses responses for clients that send `Accept-Encoding: gzip`.
 * Streamed bodies (`more_body: true`) are compressed chunk by chunk with a
 * sync flush after each, so every chunk reaches the client without waiting
 * for the next.
 *
 * @example
 * new Middleware(GZipMiddleware, { minimumSize: 1000, compresslevel: 6 })
 */
export class GZipMiddleware extends ASGIObject {
  private readonly app: ASGIApp;
  private readonly minimumSize: number;
  private readonly compresslevel: number;

  /** Wraps `app`. */
  constructor(app: ASGIAppLike, options: GZipOptions = {}) {
    super();
    this.app = toASGIApp(app);
    this.minimumSize = options.minimumSize ?? 500;
    this.compresslevel = options.compresslevel ?? 9;
    if (!Number.isInteger(this.compresslevel) || this.compresslevel < 0 || this.compresslevel > 9) {
      throw new RangeError(`GZipMiddleware compresslevel must be an integer from 0 to 9, got ${this.compresslevel}`);
    }
  }

  /** The ASGI entry point. */
  async call(scope: Scope, receive: Receive, send: Send): Promise<void> {
    if (scope.type !== 'http') return this.app(scope, receive, send);
    const acceptsGzip = (getHeader(scope.headers, 'accept-encoding') ?? '').includes('gzip');
    const responder = new Responder(send, this.minimumSize, acceptsGzip ? this.compresslevel : null);
    try {
      await this.app(scope, receive, (message) => responder.send(message));
    } finally {
      responder.dispose();
    }
  }
}

/** Per-request state: holds `http.response.start` back until the first body decides the encoding. */
class Responder {
  private initial: HTTPResponseStartEvent | null = null;
  private started = false;
  private passthrough = false;
  private stream: GzipStream | null = null;

  constructor(
    private readonly downstream: Send,
    private readonly minimumSize: number,
    /** null: the client does not accept gzip (Starlette's IdentityResponder). */
    private readonly level: number | null,
  ) {}

  async send(message: SendMessage): Promise<void> {
    if (message.type === 'http.response.start') {
      this.initial = { ...message };
      const headers = messageHeaders(this.initial);
      const contentType = getHeader(headers, 'content-type') ?? '';
      this.passthrough =
        getHeader(headers, 'content-encoding') !== undefined ||
        EXCLUDED_CONTENT_TYPES.some((type) => contentType.startsWith(type));
      return;
    }
    if (message.type !== 'http.response.body') {
      // pathsend, trailers: never compressed; the held start goes first.
      await this.flushStart();
      return this.downstream(message);
    }
    if (this.passthrough) {
      await this.flushStart();
      return this.downstream(message);
    }
    const body = message.body ?? new Uint8Array(0);
    const moreBody = message.more_body ?? false;
    if (!this.started) {
      const headers = messageHeaders(this.initial ?? { headers: [] });
      if (body.length < this.minimumSize && !moreBody) {
        await this.flushStart();
        return this.downstream(message);
      }
      addVary(headers, 'Accept-Encoding');
      if (this.level === null) {
        await this.flushStart();
        return this.downstream(message);
      }
      let compressed: Uint8Array;
      if (!moreBody) {
        compressed = await gzipAsync(body, { level: this.level });
        setHeader(headers, 'content-encoding', 'gzip');
        setHeader(headers, 'content-length', String(compressed.length));
      } else {
        this.stream = new GzipStream(this.level);
        compressed = await this.stream.write(body, false);
        setHeader(headers, 'content-encoding', 'gzip');
        // The compressed length is unknown until the end: the server chunks it.
        deleteHeader(headers, 'content-length');
      }
      await this.flushStart();
      return this.downstream({ ...message, body: compressed } satisfies HTTPResponseBodyEvent);
    }
    if (this.stream === null) return this.downstream(message);
    const compressed = await this.stream.write(body, !moreBody);
    return this.downstream({ ...message, body: compressed } satisfies HTTPResponseBodyEvent);
  }

  private async flushStart(): Promise<void> {
    if (this.started || this.initial === null) return;
    this.started = true;
    await this.downstream(this.initial);
  }

  dispose(): void {
    this.stream?.destroy();
  }
}

/** An incremental gzip encoder: each `write` returns the bytes ready so far. */
class GzipStream {
  private readonly gzip: zlib.Gzip;
  private pending: Buffer[] = [];
  private failure: Error | null = null;

  constructor(level: number) {
    this.gzip = zlib.createGzip({ level });
    this.gzip.on('data', (chunk: Buffer) => this.pending.push(chunk));
    this.gzip.on('error', (error: Error) => {
      this.failure = error;
    });
  }

  /** Compresses `body`; with `final` the gzip trailer is written too. */
  async write(body: Uint8Array, final: boolean): Promise<Uint8Array> {
    if (final) {
      await new Promise<void>((resolve, reject) => {
        this.gzip.once('end', resolve);
        this.gzip.once('error', reject);
        this.gzip.end(body);
      });
    } else {
      if (body.length > 0) this.gzip.write(body);
      // Z_SYNC_FLUSH: everything written so far becomes decodable output now.
      await new Promise<void>((resolve) => this.gzip.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
    }
    if (this.failure) throw this.failure;
    const out = Buffer.concat(this.pending);
    this.pending = [];
    return out;
  }

  destroy(): void {
    this.gzip.destroy();
  }
}
