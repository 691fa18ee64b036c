/**
 * The response object of TestClient, shaped as httpx's: `status`/`statusCode`, `headers`,
 * `content`, `text` (a property) and `json()` (a method), fully read and decoded.
 */
import { Buffer } from 'node:buffer';
import { STATUS_CODES } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { Headers } from './headers';
import type { TestResponseLike } from './testclient-websocket';
import { setOwn } from './internal/own';

/** A response of the TestClient: fully read, content decoded (gzip, deflate, br) as httpx does. */
export class TestResponse implements TestResponseLike {
  /** Responses of the redirects followed to get here. */
  history: TestResponse[] = [];

  constructor(
    /** The status code. */
    readonly status: number,
    /** Response headers, case-insensitive, multi-valued. */
    readonly headers: Headers,
    /** The body bytes (decoded). */
    readonly content: Uint8Array,
    /** The final URL. */
    readonly url: string,
    /** The request method. */
    readonly method: string,
  ) {}

  /** The status code (httpx's name). */
  get statusCode(): number {
    return this.status;
  }
  /** The status phrase. */
  get reasonPhrase(): string {
    return STATUS_CODES[this.status] ?? '';
  }
  /** True for 2xx. */
  get isSuccess(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  /** True for 3xx with a location. */
  get isRedirect(): boolean {
    return this.status >= 300 && this.status < 400 && this.headers.has('location');
  }
  /** The body decoded with the charset of the content type (UTF-8 by default). */
  get text(): string {
    const match = /charset=([^;]+)/i.exec(this.headers.get('content-type') ?? '');
    const charset = match ? match[1].trim().replace(/^"|"$/g, '') : 'utf-8';
    return new TextDecoder(charset).decode(this.content);
  }
  /** The body parsed as JSON. */
  json<T = unknown>(): T {
    return JSON.parse(this.text) as T;
  }
  /** Cookies set by this response (name -> raw value). */
  get cookies(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const header of this.headers.getlist('set-cookie')) {
      const pair = header.split(';')[0];
      const eq = pair.indexOf('=');
      if (eq > 0) setOwn(out, pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return out;
  }
}

/** Undoes `content-encoding` (gzip, deflate, br), as httpx does. */
export function decodeContent(body: Buffer, encoding: string | undefined): Buffer {
  if (!encoding || body.length === 0) return body;
  let out = body;
  for (const coding of encoding.toLowerCase().split(',').map((c) => c.trim()).reverse()) {
    if (coding === 'gzip' || coding === 'x-gzip') out = gunzipSync(out);
    else if (coding === 'deflate') out = inflateSync(out);
    else if (coding === 'br') out = brotliDecompressSync(out);
  }
  return out;
}
