// Cookie serialisation and parsing matching Python's http.cookies as Starlette uses it:
// Set-Cookie attributes sorted by name, values quoted with octal escapes, and the
// lenient `cookie_parser` browsers' Cookie headers need.
import { CookieError } from '../errors';
import { setOwn } from './own';

const LEGAL = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~:";
const UNESCAPED = LEGAL + ' ()/<=>?@[]{}';
const legal = new Set(LEGAL);
const unescaped = new Set(UNESCAPED);

function isLegalKey(value: string): boolean {
  if (value === '') return false;
  for (const ch of value) if (!legal.has(ch)) return false;
  return true;
}

/** Python's `http.cookies._quote`. */
export function quoteCookieValue(value: string): string {
  if (isLegalKey(value)) return value;
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (code < 256 && !unescaped.has(ch)) out += '\\' + code.toString(8).padStart(3, '0');
    else out += ch;
  }
  return out + '"';
}

/** Python's `http.cookies._unquote`: strips surrounding quotes and resolves `\ooo` and `\x` escapes. */
export function unquoteCookieValue(value: string): string {
  if (value.length < 2 || value[0] !== '"' || value[value.length - 1] !== '"') return value;
  const inner = value.slice(1, -1);
  return inner.replace(/\\(?:([0-3][0-7][0-7])|(.))/gs, (_m, octal: string | undefined, ch: string | undefined) =>
    octal !== undefined ? String.fromCharCode(parseInt(octal, 8)) : (ch as string),
  );
}

/** Starlette's `cookie_parser`: splits on `;`, tolerates missing `=` and junk, last duplicate wins. */
export function parseCookieHeader(header: string): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const chunk of header.split(';')) {
    const eq = chunk.indexOf('=');
    const key = (eq === -1 ? '' : chunk.slice(0, eq)).trim();
    const value = (eq === -1 ? chunk : chunk.slice(eq + 1)).trim();
    if (key !== '' || value !== '') setOwn(cookies, key, unquoteCookieValue(value));
  }
  return cookies;
}

/** Options of `Response.setCookie`, as Starlette's `set_cookie` keywords. */
export interface CookieOptions {
  /** Seconds until expiry (`Max-Age`). */
  maxAge?: number | null;
  /** A Date, a number of seconds from now, or a preformatted string (`expires`). */
  expires?: Date | number | string | null;
  /** Default `/`. */
  path?: string | null;
  /** The `Domain` attribute. */
  domain?: string | null;
  /** Send only over HTTPS (`Secure`). */
  secure?: boolean;
  /** Hide from JavaScript (`HttpOnly`). */
  httponly?: boolean;
  /** Default `lax`; one of `strict`, `lax`, `none` (any case). */
  samesite?: 'lax' | 'strict' | 'none' | 'Lax' | 'Strict' | 'None' | null;
  /** CHIPS partitioned cookie (`Partitioned`). */
  partitioned?: boolean;
}

/** The `Set-Cookie` value Starlette's `set_cookie` produces (attributes in Python's sorted order). */
export function serializeCookie(key: string, value: string, options: CookieOptions): string {
  if (!isLegalKey(key)) throw new CookieError(`Illegal cookie key ${JSON.stringify(key)}`);
  const attrs: [string, string | true][] = [];
  const { maxAge, expires, path = '/', domain, secure, httponly, samesite = 'lax', partitioned } = options;
  if (domain != null && domain !== '') attrs.push(['domain', `Domain=${domain}`]);
  if (expires != null && expires !== '') {
    let text: string;
    if (expires instanceof Date) text = expires.toUTCString();
    else if (typeof expires === 'number') text = new Date(Date.now() + expires * 1000).toUTCString();
    else text = expires;
    attrs.push(['expires', `expires=${text}`]);
  }
  if (httponly) attrs.push(['httponly', 'HttpOnly']);
  if (maxAge != null) attrs.push(['max-age', `Max-Age=${Number.isInteger(maxAge) ? maxAge.toFixed(0) : String(maxAge)}`]);
  if (partitioned) attrs.push(['partitioned', 'Partitioned']);
  if (path != null && path !== '') attrs.push(['path', `Path=${path}`]);
  if (samesite != null) {
    if (!['strict', 'lax', 'none'].includes(samesite.toLowerCase())) {
      throw new CookieError("samesite must be either 'strict', 'lax' or 'none'");
    }
    attrs.push(['samesite', `SameSite=${samesite}`]);
  }
  if (secure) attrs.push(['secure', 'Secure']);
  let out = `${key}=${quoteCookieValue(value)}`;
  for (const [, text] of attrs) out += `; ${text as string}`;
  return out;
}
