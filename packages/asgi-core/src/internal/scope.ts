/**
 * Building the parts of an ASGI connection scope from what node:http parsed.
 * Node hands the request target and header bytes over as latin-1 strings
 * (one char per byte), which is exactly the contract's representation.
 */
import type { Socket } from 'node:net';
import type { Address, ASGIInfo, Header } from '../types';

/** The `asgi` key of http/websocket scopes: spec 2.4 (send raises once the client is gone). */
export const ASGI_INFO: ASGIInfo = Object.freeze({ version: '3.0', spec_version: '2.4' }) as ASGIInfo;

/** The `asgi` key of the lifespan scope. */
export const LIFESPAN_ASGI_INFO: ASGIInfo = Object.freeze({ version: '3.0', spec_version: '2.0' }) as ASGIInfo;

const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i;
const NEEDS_DECODING = /[%\u0080-\u00ff]/;

/** The request target split into `raw_path` and `query_string` (both latin-1, undecoded). */
export interface Target {
  rawPath: string;
  query: string;
}

/**
 * Splits a request target (RFC 9112 section 3.2): origin-form `/p?q`, absolute-form
 * `http://h/p?q` (path taken from it) or asterisk-form `*`. The fragment never
 * reaches a server, but a hostile client may send one: it is dropped.
 */
export function splitTarget(url: string): Target {
  if (url.charCodeAt(0) !== 47 /* '/' */ && url !== '*') {
    const match = ABSOLUTE_FORM.exec(url);
    if (match) url = url.slice(match[0].length) || '/';
  }
  const hash = url.indexOf('#');
  if (hash !== -1) url = url.slice(0, hash);
  const q = url.indexOf('?');
  return q === -1 ? { rawPath: url, query: '' } : { rawPath: url.slice(0, q), query: url.slice(q + 1) };
}

/**
 * Percent-decodes a latin-1 path into text, as Python's `urllib.parse.unquote`:
 * `%XX` escapes and raw bytes are read as UTF-8, invalid escapes are kept as
 * they are, and invalid UTF-8 becomes U+FFFD (never an exception).
 */
export function decodePath(rawPath: string): string {
  if (!NEEDS_DECODING.test(rawPath)) return rawPath;
  const bytes = Buffer.allocUnsafe(rawPath.length);
  let n = 0;
  for (let i = 0; i < rawPath.length; i++) {
    const c = rawPath.charCodeAt(i);
    if (c === 37 /* % */ && i + 2 < rawPath.length && isHex(rawPath.charCodeAt(i + 1)) && isHex(rawPath.charCodeAt(i + 2))) {
      bytes[n++] = parseInt(rawPath.substr(i + 1, 2), 16);
      i += 2;
    } else {
      bytes[n++] = c & 0xff;
    }
  }
  return bytes.toString('utf8', 0, n);
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/**
 * Converts `req.rawHeaders` (`[name, value, name, value, ...]`, as sent) into the
 * contract's `[name, value]` pairs with lower-cased names, keeping order and duplicates.
 */
export function toHeaderPairs(raw: string[]): Header[] {
  const headers: Header[] = new Array(raw.length >> 1);
  for (let i = 0, j = 0; i < raw.length; i += 2, j++) headers[j] = [raw[i].toLowerCase(), raw[i + 1]];
  return headers;
}

/** The peer's `[host, port]`, or null on a unix socket (as uvicorn). */
export function remoteAddress(socket: Socket): Address | null {
  const host = socket.remoteAddress;
  return host === undefined ? null : [host, socket.remotePort ?? null];
}

/** The local `[host, port]`, or `[path, null]` on a unix socket. */
export function localAddress(socket: Socket, uds: string | null): Address | null {
  const host = socket.localAddress;
  if (host === undefined) return uds === null ? null : [uds, null];
  return [host, socket.localPort ?? null];
}

/** `client` as uvicorn prints it in access lines: `host:port`, or empty. */
export function formatClient(client: Address | null): string {
  if (!client) return '';
  return client[1] === null ? client[0] : `${client[0]}:${client[1]}`;
}
