/**
 * Small helpers on raw ASGI data (header pairs, scopes) shared by the
 * edge modules (middleware, StaticFiles, FileResponse, SSE). Not exported
 * from the package.
 */
import type { Header, HTTPScope, WebSocketScope } from 'asgi-core';

/** The first value of header `name` (lower-case) in raw pairs, or undefined. */
export function getHeader(headers: Iterable<Header> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of headers) if (key === name) return value;
  return undefined;
}

/** Replaces every `name` header by one `[name, value]` pair (appended when absent), in place. */
export function setHeader(headers: Header[], name: string, value: string): void {
  const first = headers.findIndex(([key]) => key === name);
  if (first === -1) {
    headers.push([name, value]);
    return;
  }
  headers[first] = [name, value];
  for (let i = headers.length - 1; i > first; i--) if (headers[i]![0] === name) headers.splice(i, 1);
}

/** Removes every `name` header, in place. */
export function deleteHeader(headers: Header[], name: string): void {
  for (let i = headers.length - 1; i >= 0; i--) if (headers[i]![0] === name) headers.splice(i, 1);
}

/** Adds `value` to the `vary` header, comma-joined with an existing one (Starlette's add_vary_header). */
export function addVary(headers: Header[], value: string): void {
  const existing = getHeader(headers, 'vary');
  setHeader(headers, 'vary', existing === undefined ? value : `${existing}, ${value}`);
}

/**
 * Gives a `http.response.start` message its own copy of its headers and
 * returns it for editing: the original array may be a Response's
 * `rawHeaders`, shared by every call of a reused response object.
 */
export function messageHeaders(message: { headers?: Iterable<Header> }): Header[] {
  const headers: Header[] = message.headers ? [...message.headers] : [];
  message.headers = headers;
  return headers;
}

/** The parts of the URL a request was made to, as Starlette's `URL(scope=scope)` builds it. */
export interface ScopeURL {
  scheme: string;
  /** `host[:port]` as sent in the Host header (or built from `server`). */
  netloc: string;
  /** `scope.path` (which, as in Starlette, already includes any `root_path` prefix). */
  path: string;
  /** The raw query string, without `?`. */
  query: string;
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, ws: 80, wss: 443 };

/** Builds the request URL parts of an http or websocket scope, as the core URL class does. */
export function scopeUrl(scope: HTTPScope | WebSocketScope): ScopeURL {
  const scheme = scope.scheme;
  const path = scope.path;
  let netloc = getHeader(scope.headers, 'host');
  if (netloc === undefined) {
    if (scope.server) {
      const [host, port] = scope.server;
      netloc = port === null || port === DEFAULT_PORTS[scheme] ? host : `${host}:${port}`;
    } else {
      netloc = '';
    }
  }
  return { scheme, netloc, path, query: scope.query_string };
}

/** Joins URL parts back into a string. */
export function formatUrl(url: ScopeURL): string {
  const base = url.netloc ? `${url.scheme}://${url.netloc}${url.path}` : url.path;
  return url.query ? `${base}?${url.query}` : base;
}

/** Splits `netloc` into hostname and port (IPv6 literals keep their brackets). */
export function splitNetloc(netloc: string): { hostname: string; port: number | null } {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(netloc);
  if (!match) return { hostname: netloc, port: null };
  const port = match[2] ? Number(match[2]) : null;
  return { hostname: match[1]!, port };
}

/**
 * The path relative to where the app is mounted (Starlette's
 * `get_route_path`): `scope.path` without a leading `root_path`.
 */
export function getRoutePath(scope: HTTPScope | WebSocketScope): string {
  const path = scope.path;
  const rootPath = scope.root_path ?? '';
  if (!rootPath || !path.startsWith(rootPath)) return path;
  if (path === rootPath) return '';
  if (path[rootPath.length] === '/') return path.slice(rootPath.length);
  return path;
}
