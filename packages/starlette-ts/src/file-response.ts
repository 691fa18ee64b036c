/**
 * FileResponse, as Starlette's: a file streamed from disk in 64 KiB chunks
 * (each send awaited: backpressure), with `ETag`/`Last-Modified`,
 * conditional requests (304, RFC 9110 section 13), byte ranges (206, single
 * or `multipart/byteranges`; 416 when unsatisfiable, section 14) and HEAD.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type Stats } from 'node:fs';
import { open, stat as statFile } from 'node:fs/promises';
import type { Header, Receive, Scope, Send, SendMessage } from 'asgi-core';
import { runBackground } from './background';
import { StarletteError } from './errors';
import { getHeader } from './internal/asgi-helpers';
import { guessMediaType } from './internal/mime';
import { quote } from './internal/quote';
import { MalformedRangeHeader, RangeNotSatisfiable, parseRangeHeader } from './internal/ranges';
import { PlainTextResponse, Response, isBodyless, type HeadersLike, type ResponseOptions } from './responses';

const CHUNK_SIZE = 64 * 1024;
const EMPTY = new Uint8Array(0);

// Headers a 304 keeps (RFC 9110 section 15.4.5), as Starlette's NotModifiedResponse.
const NOT_MODIFIED_HEADERS = new Set(['cache-control', 'content-location', 'date', 'etag', 'expires', 'vary']);

/** Options of {@link FileResponse}. */
export interface FileResponseOptions extends ResponseOptions {
  /** Offered to the client as a download name: sets `content-disposition`. */
  filename?: string | null;
  /** `attachment` (download, default) or `inline` (display). */
  contentDispositionType?: string;
  /** A stat result already at hand (saves one `stat` per request). */
  stat?: Stats | null;
  /** Overrides the request method (a `HEAD` sends headers only). */
  method?: string;
}

/** The strong validators FileResponse derives from a stat result. */
export function fileValidators(stats: Stats): { etag: string; lastModified: string } {
  const mtime = stats.mtimeMs / 1000;
  const etag = `"${createHash('md5').update(`${mtime}-${stats.size}`).digest('hex')}"`;
  return { etag, lastModified: new Date(Math.floor(stats.mtimeMs / 1000) * 1000).toUTCString() };
}

/**
 * Sends a file from disk. The media type is guessed from `filename` or the
 * path; a missing file fails when the response is sent (an error, not a 404).
 *
 * @example
 * return new FileResponse('reports/2024.pdf', { filename: 'report 2024.pdf' });
 */
export class FileResponse extends Response {
  /** Chunk size of reads from disk. */
  static chunkSize = CHUNK_SIZE;

  /** The file's path. */
  readonly path: string;
  /** The download name, or null. */
  readonly filename: string | null;
  /** The stat result, once known. */
  statResult: Stats | null;
  private readonly method: string | undefined;

  constructor(path: string, options: FileResponseOptions = {}) {
    const filename = options.filename ?? null;
    const mediaType =
      options.mediaType !== undefined && options.mediaType !== null
        ? options.mediaType
        : (guessMediaType(filename ?? path) ?? 'application/octet-stream');
    super(undefined, { ...options, mediaType });
    this.path = path;
    this.filename = filename;
    this.method = options.method;
    this.headers.setdefault('accept-ranges', 'bytes');
    if (filename !== null) {
      const type = options.contentDispositionType ?? 'attachment';
      const quoted = quote(filename);
      // RFC 6266 / RFC 5987: a name that needs escaping goes in `filename*`.
      const disposition = quoted !== filename ? `${type}; filename*=utf-8''${quoted}` : `${type}; filename="${filename}"`;
      this.headers.setdefault('content-disposition', disposition);
    }
    this.statResult = options.stat ?? null;
    if (this.statResult) this.setStatHeaders(this.statResult);
  }

  /** No length from the (empty) in-memory body: it comes from the file's stat. */
  override initHeaders(headers?: HeadersLike | null): void {
    super.initHeaders(headers, null);
  }

  /** Sets `content-length`, `last-modified` and `etag` from a stat result (unless given). */
  setStatHeaders(stats: Stats): void {
    const { etag, lastModified } = fileValidators(stats);
    this.headers.setdefault('content-length', String(stats.size));
    this.headers.setdefault('last-modified', lastModified);
    this.headers.setdefault('etag', etag);
  }

  override async call(scope: Scope, receive: Receive, send: Send): Promise<void> {
    if (scope.type === 'lifespan') throw new TypeError('FileResponse cannot answer a lifespan scope');
    const method = (this.method ?? (scope.type === 'http' ? scope.method : 'GET')).toUpperCase();
    const headerOnly = method === 'HEAD' || isBodyless(scope, this.statusCode);
    const out: Send =
      scope.type === 'websocket'
        ? (message) => send({ ...message, type: `websocket.${message.type}` } as unknown as SendMessage)
        : send;

    let stats = this.statResult;
    if (stats === null) {
      try {
        stats = await statFile(this.path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new StarletteError('FILE_NOT_FOUND', `File at path ${this.path} does not exist.`, { cause: error });
        }
        throw error;
      }
      if (!stats.isFile()) throw new StarletteError('NOT_A_FILE', `File at path ${this.path} is not a file.`);
      this.statResult = stats;
      this.setStatHeaders(stats);
    }

    const requestHeaders = scope.headers;
    const cacheable = this.statusCode === 200 && (method === 'GET' || method === 'HEAD');
    if (cacheable && this.isNotModified(requestHeaders)) {
      const kept = this.rawHeaders.filter(([name]) => NOT_MODIFIED_HEADERS.has(name));
      await out({ type: 'http.response.start', status: 304, headers: kept });
      await out({ type: 'http.response.body', body: EMPTY, more_body: false });
      await runBackground(this.background);
      return;
    }

    const range = getHeader(requestHeaders, 'range');
    const ifRange = getHeader(requestHeaders, 'if-range');
    // Ranges apply to a 200 only (RFC 9110 section 14.2); If-Range falls back to the whole file.
    if (range === undefined || !cacheable || scope.type !== 'http' || (ifRange !== undefined && !this.ifRangeMatches(ifRange))) {
      await this.sendWhole(scope, out, headerOnly);
    } else {
      let ranges: [number, number][];
      try {
        ranges = parseRangeHeader(range, stats.size);
      } catch (error) {
        if (error instanceof MalformedRangeHeader) return new PlainTextResponse(error.message, { status: 400 }).call(scope, receive, send);
        if (error instanceof RangeNotSatisfiable) {
          return new PlainTextResponse(null, { status: 416, headers: { 'content-range': `bytes */${error.size}` } }).call(scope, receive, send);
        }
        throw error;
      }
      if (ranges.length === 1) await this.sendSingleRange(out, ranges[0]!, stats.size, headerOnly);
      else await this.sendMultipleRanges(out, ranges, stats.size, headerOnly);
    }
    await runBackground(this.background);
  }

  /** If-None-Match wins over If-Modified-Since (RFC 9110 section 13.1.3). */
  private isNotModified(requestHeaders: Iterable<Header>): boolean {
    const ifNoneMatch = getHeader(requestHeaders, 'if-none-match');
    const etag = this.headers.get('etag');
    if (ifNoneMatch !== undefined) {
      if (ifNoneMatch.trim() === '*') return true;
      // Weak comparison (section 8.8.3.2): W/ prefixes are ignored.
      const strip = (tag: string) => tag.trim().replace(/^W\//, '');
      return etag !== undefined && ifNoneMatch.split(',').some((tag) => strip(tag) === strip(etag));
    }
    const ifModifiedSince = getHeader(requestHeaders, 'if-modified-since');
    const lastModified = this.headers.get('last-modified');
    if (ifModifiedSince === undefined || lastModified === undefined) return false;
    const since = Date.parse(ifModifiedSince);
    const modified = Date.parse(lastModified);
    return !Number.isNaN(since) && !Number.isNaN(modified) && since >= modified;
  }

  private ifRangeMatches(ifRange: string): boolean {
    return ifRange === this.headers.get('last-modified') || ifRange === this.headers.get('etag');
  }

  private async sendWhole(scope: Scope, send: Send, headerOnly: boolean): Promise<void> {
    await send({ type: 'http.response.start', status: this.statusCode, headers: this.rawHeaders });
    if (headerOnly) {
      await send({ type: 'http.response.body', body: EMPTY, more_body: false });
      return;
    }
    if (scope.type === 'http' && scope.extensions?.['http.response.pathsend'] !== undefined) {
      await send({ type: 'http.response.pathsend', path: this.path });
      return;
    }
    // Exactly the stat'ed size: a file growing meanwhile must not overrun content-length.
    await this.streamFile(send, [[0, this.statResult?.size ?? 0]], () => null, null);
  }

  private async sendSingleRange(send: Send, [start, end]: [number, number], size: number, headerOnly: boolean): Promise<void> {
    const headers = this.rawHeaders.filter(([name]) => name !== 'content-range' && name !== 'content-length');
    headers.push(['content-range', `bytes ${start}-${end - 1}/${size}`], ['content-length', String(end - start)]);
    await send({ type: 'http.response.start', status: 206, headers });
    if (headerOnly) {
      await send({ type: 'http.response.body', body: EMPTY, more_body: false });
      return;
    }
    await this.streamFile(send, [[start, end]], () => null, null);
  }

  private async sendMultipleRanges(send: Send, ranges: [number, number][], size: number, headerOnly: boolean): Promise<void> {
    // Browsers use boundaries of about 13 random bytes.
    const boundary = randomBytes(13).toString('hex');
    const contentType = this.headers.get('content-type') ?? 'application/octet-stream';
    const partHeader = (start: number, end: number) =>
      Buffer.from(`--${boundary}\r\nContent-Type: ${contentType}\r\nContent-Range: bytes ${start}-${end - 1}/${size}\r\n\r\n`, 'latin1');
    const trailer = Buffer.from(`--${boundary}--`, 'latin1');
    let length = trailer.length;
    for (const [start, end] of ranges) length += partHeader(start, end).length + (end - start) + 2;

    const headers = this.rawHeaders.filter(([name]) => name !== 'content-type' && name !== 'content-length');
    headers.push(['content-type', `multipart/byteranges; boundary=${boundary}`], ['content-length', String(length)]);
    await send({ type: 'http.response.start', status: 206, headers });
    if (headerOnly) {
      await send({ type: 'http.response.body', body: EMPTY, more_body: false });
      return;
    }
    await this.streamFile(send, ranges, partHeader, trailer);
  }

  /**
   * Streams byte ranges of the file; `before(start, end)` may prefix each
   * range (multipart headers) and `trailer` ends the body. A file that
   * shrank meanwhile ends the body early rather than sending garbage.
   */
  private async streamFile(
    send: Send,
    ranges: [number, number][],
    before: (start: number, end: number) => Buffer | null,
    trailer: Buffer | null,
  ): Promise<void> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new StarletteError('FILE_NOT_FOUND', `File at path ${this.path} does not exist.`, { cause: error });
      }
      throw error;
    }
    try {
      const chunkSize = (this.constructor as typeof FileResponse).chunkSize;
      let pending: Uint8Array | null = null;
      const emit = async (body: Uint8Array): Promise<void> => {
        // One message behind, so the last one can carry more_body: false.
        if (pending !== null) await send({ type: 'http.response.body', body: pending, more_body: true });
        pending = body;
      };
      for (const [rangeStart, rangeEnd] of ranges) {
        const head = before(rangeStart, rangeEnd);
        if (head) await emit(head);
        let position = rangeStart;
        while (position < rangeEnd) {
          const want = Math.min(chunkSize, rangeEnd - position);
          const buffer = Buffer.allocUnsafe(want);
          const { bytesRead } = await handle.read(buffer, 0, want, position);
          if (bytesRead === 0) break;
          position += bytesRead;
          await emit(buffer.subarray(0, bytesRead));
        }
        if (trailer) await emit(Buffer.from('\r\n'));
      }
      if (trailer) await emit(trailer);
      await send({ type: 'http.response.body', body: pending ?? EMPTY, more_body: false });
    } finally {
      await handle.close();
    }
  }
}
