// Percent-encoding as Python's urllib.parse does it (quote, unquote, parse_qsl, urlencode),
// so URLs, query strings and redirects match Starlette byte for byte.

const ALWAYS_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~';
const HEX = '0123456789ABCDEF';
const decoder = new TextDecoder('utf-8', { fatal: false });
const encoder = new TextEncoder();
const safeTables = new Map<string, Uint8Array>();

function safeTable(safe: string): Uint8Array {
  let table = safeTables.get(safe);
  if (table === undefined) {
    table = new Uint8Array(128);
    for (const ch of ALWAYS_SAFE + safe) if (ch.charCodeAt(0) < 128) table[ch.charCodeAt(0)] = 1;
    safeTables.set(safe, table);
  }
  return table;
}

/** Python's `urllib.parse.quote(value, safe)`: UTF-8, `%XX` upper-case, `_.-~` and alphanumerics always safe. */
export function quote(value: string, safe = '/', plus = false): string {
  const table = safeTable(safe);
  let clean = true;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || table[c] !== 1) {
      clean = false;
      break;
    }
  }
  if (clean) return value;
  let out = '';
  for (const byte of encoder.encode(value)) {
    if (byte < 128 && table[byte] === 1) out += String.fromCharCode(byte);
    else if (plus && byte === 0x20) out += '+';
    else out += '%' + HEX[byte >> 4] + HEX[byte & 15];
  }
  return out;
}

/** Python's `quote_plus(value, safe='')`: as {@link quote}, spaces become `+`. */
export function quotePlus(value: string, safe = ''): string {
  return quote(value, safe, true);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * Python's `unquote(value)`: `%XX` runs decode as UTF-8 (invalid sequences become U+FFFD),
 * malformed escapes (`%zz`, a trailing `%`) stay as they are.
 */
export function unquote(value: string): string {
  if (value.indexOf('%') === -1) return value;
  let out = '';
  let i = 0;
  const n = value.length;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (c === 37 && i + 2 < n && hexValue(value.charCodeAt(i + 1)) >= 0 && hexValue(value.charCodeAt(i + 2)) >= 0) {
      const bytes: number[] = [];
      while (
        i + 2 < n &&
        value.charCodeAt(i) === 37 &&
        hexValue(value.charCodeAt(i + 1)) >= 0 &&
        hexValue(value.charCodeAt(i + 2)) >= 0
      ) {
        bytes.push(hexValue(value.charCodeAt(i + 1)) * 16 + hexValue(value.charCodeAt(i + 2)));
        i += 3;
      }
      out += decoder.decode(Uint8Array.from(bytes));
    } else {
      out += value[i];
      i += 1;
    }
  }
  return out;
}

/** Python's `unquote_plus`: `+` is a space, then {@link unquote}. */
export function unquotePlus(value: string): string {
  return unquote(value.indexOf('+') === -1 ? value : value.replace(/\+/g, ' '));
}

/** Python's `parse_qsl(query, keep_blank_values=True)`: `&`-separated, `+` is a space. */
export function parseQsl(query: string): [string, string][] {
  const pairs: [string, string][] = [];
  if (query === '') return pairs;
  for (const field of query.split('&')) {
    if (field === '') continue;
    const eq = field.indexOf('=');
    if (eq === -1) pairs.push([unquotePlus(field), '']);
    else pairs.push([unquotePlus(field.slice(0, eq)), unquotePlus(field.slice(eq + 1))]);
  }
  return pairs;
}

/** Python's `urlencode(pairs)`: `quote_plus` on keys and values, joined with `&`. */
export function urlencode(pairs: Iterable<readonly [string, unknown]>): string {
  const parts: string[] = [];
  for (const [key, value] of pairs) parts.push(`${quotePlus(key)}=${quotePlus(String(value))}`);
  return parts.join('&');
}
