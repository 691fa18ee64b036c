/**
 * HTTP headers as Starlette's `Headers` and `MutableHeaders`: case-insensitive,
 * multi-valued, backed by the ASGI `[name, value]` latin-1 pairs.
 */
import type { Header, Scope } from 'asgi-core';

/** What a Headers can be built from: a mapping, the raw ASGI pairs, or a scope/message carrying `headers`. */
export interface HeadersInit {
  /** A plain mapping; names are lower-cased. */
  headers?: Record<string, string> | Iterable<readonly [string, string]>;
  /** The ASGI header pairs (names already lower-case); used as is, not copied. */
  raw?: Header[];
  /** A scope or an `http.response.start` message whose `headers` are used. */
  scope?: Scope | { headers?: Iterable<Header> };
}

function fromMapping(headers: Record<string, string> | Iterable<readonly [string, string]>): Header[] {
  const raw: Header[] = [];
  const entries = Symbol.iterator in headers ? (headers as Iterable<readonly [string, string]>) : Object.entries(headers);
  for (const [name, value] of entries) raw.push([name.toLowerCase(), String(value)]);
  return raw;
}

/**
 * An immutable, case-insensitive multi-map of headers. `get` returns the first value,
 * `getlist` all of them, in order.
 *
 * @example
 * request.headers.get('content-type'); // 'application/json'
 * request.headers.getlist('x-forwarded-for');
 */
export class Headers implements Iterable<string> {
  protected _list: Header[];

  constructor(init: HeadersInit = {}) {
    if (init.raw !== undefined) this._list = init.raw;
    else if (init.scope !== undefined) {
      const holder = init.scope as { headers?: Iterable<Header> };
      if (holder.headers === undefined) holder.headers = [];
      else if (!Array.isArray(holder.headers)) holder.headers = [...holder.headers];
      this._list = holder.headers as Header[];
    } else if (init.headers !== undefined) this._list = fromMapping(init.headers);
    else this._list = [];
  }

  /** The underlying ASGI pairs. */
  get raw(): Header[] {
    return this._list;
  }

  /** Every header name, lower-case, duplicates included. */
  keys(): string[] {
    return this._list.map(([name]) => name);
  }

  /** Every header value, in order. */
  values(): string[] {
    return this._list.map(([, value]) => value);
  }

  /** Every `[name, value]` pair, in order. */
  items(): [string, string][] {
    return this._list.map(([name, value]) => [name, value]);
  }

  /** The first value of `key` (case-insensitive), or `fallback`. */
  get(key: string): string | undefined;
  get(key: string, fallback: string): string;
  get(key: string, fallback?: string): string | undefined {
    const name = key.toLowerCase();
    for (const [k, v] of this._list) if (k === name) return v;
    return fallback;
  }

  /** Every value of `key` (case-insensitive), in order. */
  getlist(key: string): string[] {
    const name = key.toLowerCase();
    const values: string[] = [];
    for (const [k, v] of this._list) if (k === name) values.push(v);
    return values;
  }

  /** True when `key` is present (Python's `key in headers`). */
  has(key: string): boolean {
    const name = key.toLowerCase();
    for (const [k] of this._list) if (k === name) return true;
    return false;
  }

  /** The number of header lines. */
  get length(): number {
    return this._list.length;
  }

  /** A MutableHeaders over a copy of these pairs. */
  mutablecopy(): MutableHeaders {
    return new MutableHeaders({ raw: this._list.map(([k, v]) => [k, v]) });
  }

  /** Iterates the names, as a Python Mapping does. */
  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }

  /** A plain object (last value wins), for logging and JSON. */
  toJSON(): Record<string, string> {
    return Object.fromEntries(this._list);
  }
}

/**
 * Headers that can be changed in place; the changes show in the raw list (and in the
 * message the instance was built from, as Starlette's `MutableHeaders(scope=message)`).
 *
 * @example
 * const headers = new MutableHeaders({ scope: message });
 * headers.append('vary', 'Origin');
 */
export class MutableHeaders extends Headers {
  /** Sets `key` to `value`: the first occurrence is replaced, the others removed; appended if absent. */
  set(key: string, value: string): void {
    const name = key.toLowerCase();
    let found = -1;
    for (let i = this._list.length - 1; i >= 0; i--) {
      if (this._list[i][0] === name) {
        if (found !== -1) this._list.splice(found, 1);
        found = i;
      }
    }
    if (found === -1) this._list.push([name, value]);
    else this._list[found] = [name, value];
  }

  /** Sets `key` only when absent; returns the value in effect. */
  setdefault(key: string, value: string): string {
    const existing = this.get(key);
    if (existing !== undefined) return existing;
    this._list.push([key.toLowerCase(), value]);
    return value;
  }

  /** Adds one more `key: value` line, keeping existing ones. */
  append(key: string, value: string): void {
    this._list.push([key.toLowerCase(), value]);
  }

  /** Removes every `key` line. */
  delete(key: string): void {
    const name = key.toLowerCase();
    for (let i = this._list.length - 1; i >= 0; i--) if (this._list[i][0] === name) this._list.splice(i, 1);
  }

  /** Sets every entry of `other` (each replaces its key). */
  update(other: Record<string, string> | Iterable<readonly [string, string]>): void {
    for (const [key, value] of fromMapping(other)) this.set(key, value);
  }

  /** Adds `vary` to the `Vary` header, comma-separated, as Starlette's `add_vary_header`. */
  addVaryHeader(vary: string): void {
    const existing = this.get('vary');
    this.set('vary', existing !== undefined ? `${existing}, ${vary}` : vary);
  }
}
