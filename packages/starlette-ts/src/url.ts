/**
 * URLs as Starlette's `URL` and `URLPath`: parsed components, `replace`, and query
 * helpers, built from a string or from a connection scope.
 */
import type { Scope } from 'asgi-core';
import { parseQsl, urlencode } from './internal/quote';

const SPLIT = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;
const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, ws: 80, wss: 443 };

/** The five parts of a URL, as Python's `urlsplit` returns them. */
export interface URLComponents {
  scheme: string;
  netloc: string;
  path: string;
  query: string;
  fragment: string;
}

/** What `URL.replace` can change. */
export interface URLReplace {
  scheme?: string;
  netloc?: string;
  path?: string;
  query?: string;
  fragment?: string;
  username?: string | null;
  password?: string | null;
  hostname?: string;
  port?: number | null;
}

function split(url: string): URLComponents {
  const m = SPLIT.exec(url);
  if (m === null) return { scheme: '', netloc: '', path: url, query: '', fragment: '' };
  return {
    scheme: (m[1] ?? '').toLowerCase(),
    netloc: m[2] ?? '',
    path: m[3] ?? '',
    query: m[4] ?? '',
    fragment: m[5] ?? '',
  };
}

function unsplit(c: URLComponents): string {
  let url = c.path;
  if (c.netloc !== '' || (c.scheme !== '' && c.path.startsWith('//'))) {
    if (url !== '' && !url.startsWith('/')) url = '/' + url;
    url = '//' + c.netloc + url;
  }
  if (c.scheme !== '') url = c.scheme + ':' + url;
  if (c.query !== '') url += '?' + c.query;
  if (c.fragment !== '') url += '#' + c.fragment;
  return url;
}

/** Builds the request URL from a scope as Starlette does (Host header, else `server`). */
function urlFromScope(scope: Scope): string {
  const s = scope as Scope & { scheme?: string; server?: [string, number | null] | null; path: string; query_string?: string; headers?: [string, string][] };
  const scheme = s.scheme ?? 'http';
  const path = s.path;
  let host: string | undefined;
  for (const [name, value] of s.headers ?? []) {
    if (name === 'host') {
      host = value;
      break;
    }
  }
  let url: string;
  if (host !== undefined) url = `${scheme}://${host}${path}`;
  else if (s.server == null) url = path;
  else {
    const [h, port] = s.server;
    url = port === DEFAULT_PORTS[scheme] ? `${scheme}://${h}${path}` : `${scheme}://${h}:${port}${path}`;
  }
  if (s.query_string) url += '?' + s.query_string;
  return url;
}

/**
 * A parsed URL, immutable; `replace` and the query helpers return new instances.
 *
 * @example
 * request.url.replace({ scheme: 'https' }).toString();
 * request.url.includeQueryParams({ page: 2 });
 */
export class URL {
  private readonly _url: string;
  private _components: URLComponents | undefined;

  constructor(url: string | { scope: Scope } = '') {
    this._url = typeof url === 'string' ? url : urlFromScope(url.scope);
  }

  /** The parsed parts. */
  get components(): URLComponents {
    return (this._components ??= split(this._url));
  }
  /** `http`, `https`, `ws`, `wss`, or '' for a relative URL. */
  get scheme(): string {
    return this.components.scheme;
  }
  /** `user:pass@host:port`. */
  get netloc(): string {
    return this.components.netloc;
  }
  /** The path, undecoded. */
  get path(): string {
    return this.components.path;
  }
  /** The query string without `?`. */
  get query(): string {
    return this.components.query;
  }
  /** The fragment without `#`. */
  get fragment(): string {
    return this.components.fragment;
  }
  /** The user name of the netloc, or null. */
  get username(): string | null {
    const at = this.netloc.lastIndexOf('@');
    if (at === -1) return null;
    const userinfo = this.netloc.slice(0, at);
    const colon = userinfo.indexOf(':');
    return colon === -1 ? userinfo : userinfo.slice(0, colon);
  }
  /** The password of the netloc, or null. */
  get password(): string | null {
    const at = this.netloc.lastIndexOf('@');
    if (at === -1) return null;
    const userinfo = this.netloc.slice(0, at);
    const colon = userinfo.indexOf(':');
    return colon === -1 ? null : userinfo.slice(colon + 1);
  }
  private get hostport(): [string, string | null] {
    const hostport = this.netloc.slice(this.netloc.lastIndexOf('@') + 1);
    if (hostport.startsWith('[')) {
      const end = hostport.indexOf(']');
      const rest = hostport.slice(end + 1);
      return [hostport.slice(1, end === -1 ? undefined : end), rest.startsWith(':') ? rest.slice(1) : null];
    }
    const colon = hostport.lastIndexOf(':');
    return colon === -1 ? [hostport, null] : [hostport.slice(0, colon), hostport.slice(colon + 1)];
  }
  /** The host, lower-case, IPv6 without brackets; null when there is none. */
  get hostname(): string | null {
    const [host] = this.hostport;
    return host === '' ? null : host.toLowerCase();
  }
  /** The explicit port, or null. */
  get port(): number | null {
    const [, port] = this.hostport;
    if (port === null || port === '' || !/^\d+$/.test(port)) return null;
    return Number(port);
  }
  /** True for `https` and `wss`. */
  get isSecure(): boolean {
    return this.scheme === 'https' || this.scheme === 'wss';
  }

  /** A copy with some parts replaced (`hostname`/`port`/`username`/`password` rebuild the netloc). */
  replace(changes: URLReplace): URL {
    const { username, password, hostname, port, ...rest } = changes;
    const parts: URLComponents = { ...this.components, ...rest };
    if ('username' in changes || 'password' in changes || 'hostname' in changes || 'port' in changes) {
      let host = hostname;
      if (host === undefined) {
        host = this.netloc.slice(this.netloc.lastIndexOf('@') + 1);
        if (!host.endsWith(']')) {
          const colon = host.lastIndexOf(':');
          if (colon !== -1) host = host.slice(0, colon);
        }
      }
      const newPort = 'port' in changes ? port : this.port;
      const newUser = 'username' in changes ? username : this.username;
      const newPass = 'password' in changes ? password : this.password;
      let netloc = host;
      if (newPort != null) netloc += `:${newPort}`;
      if (newUser != null) netloc = `${newUser}${newPass != null ? `:${newPass}` : ''}@${netloc}`;
      parts.netloc = netloc;
    }
    return new URL(unsplit(parts));
  }

  /** A copy with these query parameters set (replacing same-named ones), others kept. */
  includeQueryParams(params: Record<string, unknown>): URL {
    const map = new Map<string, string>(parseQsl(this.query));
    for (const [key, value] of Object.entries(params)) map.set(key, String(value));
    return this.replace({ query: urlencode([...map.entries()]) });
  }

  /** A copy whose query is exactly `params` (a mapping or a list of pairs). */
  replaceQueryParams(params: Record<string, unknown> | Iterable<readonly [string, unknown]>): URL {
    const pairs = Symbol.iterator in params ? [...(params as Iterable<readonly [string, unknown]>)] : Object.entries(params);
    return this.replace({ query: urlencode(pairs) });
  }

  /** A copy without the given query keys. */
  removeQueryParams(keys: string | string[]): URL {
    const drop = new Set(typeof keys === 'string' ? [keys] : keys);
    return this.replace({ query: urlencode(parseQsl(this.query).filter(([key]) => !drop.has(key))) });
  }

  /** True when both render to the same string. */
  equals(other: URL | string): boolean {
    return this.toString() === String(other);
  }

  /** The URL as a string. */
  toString(): string {
    return this._url;
  }

  /** The URL as a string (for JSON). */
  toJSON(): string {
    return this._url;
  }
}

/**
 * A path produced by `urlPathFor`, with the protocol (`http`/`websocket`) and host it
 * belongs to; `makeAbsoluteUrl` turns it into a full URL.
 */
export class URLPath {
  /** The path. */
  readonly path: string;
  /** 'http', 'websocket' or '' (either). */
  readonly protocol: string;
  /** The host of a Host route, or ''. */
  readonly host: string;

  constructor(path: string, protocol: '' | 'http' | 'websocket' = '', host = '') {
    this.path = path;
    this.protocol = protocol;
    this.host = host;
  }

  /** The absolute URL of this path against `baseUrl` (the request's base URL). */
  makeAbsoluteUrl(baseUrl: string | URL): URL {
    const base = typeof baseUrl === 'string' ? new URL(baseUrl) : baseUrl;
    let scheme = base.scheme;
    if (this.protocol === 'websocket') scheme = base.isSecure ? 'wss' : 'ws';
    else if (this.protocol === 'http') scheme = base.isSecure ? 'https' : 'http';
    const netloc = this.host || base.netloc;
    const path = base.path.replace(/\/+$/, '') + this.path;
    return new URL(unsplit({ scheme, netloc, path, query: '', fragment: '' }));
  }

  /** The path. */
  toString(): string {
    return this.path;
  }
}
