/**
 * Starlette's data structures: multi-valued dicts, query parameters, State and
 * Address, plus URL/URLPath and Headers/MutableHeaders (defined in their own modules).
 */
import { parseQsl, urlencode } from './internal/quote';

export { URL, URLPath } from './url';
export type { URLComponents, URLReplace } from './url';
export { Headers, MutableHeaders } from './headers';
export type { HeadersInit } from './headers';

/** The client or server address of a connection (`request.client`). */
export class Address {
  constructor(
    /** Host name or IP (or a unix socket path). */
    readonly host: string,
    /** Port, or null for a unix socket. */
    readonly port: number | null,
  ) {}
}

type PairsInit<V> = Iterable<readonly [string, V]> | Record<string, V> | null | undefined;

function toPairs<V>(init: PairsInit<V>): [string, V][] {
  if (init == null) return [];
  if (Symbol.iterator in (init as object)) return [...(init as Iterable<readonly [string, V]>)].map(([k, v]) => [k, v]);
  return Object.entries(init as Record<string, V>);
}

/**
 * A read-only multi-valued mapping: `get` returns the LAST value of a key (as Starlette),
 * `getlist` every value in order, `multiItems` every pair.
 */
export class ImmutableMultiDict<V = string> implements Iterable<string> {
  protected _list: [string, V][];
  protected _dict: Map<string, V>;

  constructor(init?: PairsInit<V>) {
    this._list = toPairs(init);
    this._dict = new Map(this._list);
  }

  /** The last value of `key`, or `fallback`. */
  get(key: string): V | undefined;
  get(key: string, fallback: V): V;
  get(key: string, fallback?: V): V | undefined {
    return this._dict.has(key) ? this._dict.get(key) : fallback;
  }

  /** Every value of `key`, in order. */
  getlist(key: string): V[] {
    const out: V[] = [];
    for (const [k, v] of this._list) if (k === key) out.push(v);
    return out;
  }

  /** True when `key` is present. */
  has(key: string): boolean {
    return this._dict.has(key);
  }

  /** The distinct keys, in first-seen order. */
  keys(): string[] {
    return [...this._dict.keys()];
  }

  /** One value per key (the last). */
  values(): V[] {
    return [...this._dict.values()];
  }

  /** One `[key, value]` per key (the last value). */
  items(): [string, V][] {
    return [...this._dict.entries()];
  }

  /** Every `[key, value]` pair, duplicates included, in order. */
  multiItems(): [string, V][] {
    return this._list.map(([k, v]) => [k, v]);
  }

  /** The number of distinct keys. */
  get length(): number {
    return this._dict.size;
  }

  /** Iterates the distinct keys, as a Python Mapping does. */
  [Symbol.iterator](): Iterator<string> {
    return this._dict.keys();
  }

  /** A plain object, one value per key. */
  toJSON(): Record<string, V> {
    return Object.fromEntries(this._dict);
  }
}

/** A mutable multi-valued mapping (Starlette's `MultiDict`). */
export class MultiDict<V = string> extends ImmutableMultiDict<V> {
  /** Sets `key` to the single value `value`. */
  set(key: string, value: V): void {
    this.setlist(key, [value]);
  }

  /** Sets `key` only when absent; returns the value in effect. */
  setdefault(key: string, value: V): V {
    if (!this._dict.has(key)) this.set(key, value);
    return this._dict.get(key) as V;
  }

  /** Adds one more value for `key`. */
  append(key: string, value: V): void {
    this._list.push([key, value]);
    this._dict.set(key, value);
  }

  /** Replaces every value of `key` with `values` (an empty list removes it). */
  setlist(key: string, values: V[]): void {
    this._list = this._list.filter(([k]) => k !== key);
    if (values.length === 0) {
      this._dict.delete(key);
      return;
    }
    for (const v of values) this._list.push([key, v]);
    this._dict.set(key, values[values.length - 1]);
  }

  /** Removes `key` and all its values. */
  delete(key: string): void {
    this.setlist(key, []);
  }

  /** Removes `key` and returns its last value, or `fallback`. */
  pop(key: string, fallback?: V): V | undefined {
    const value = this._dict.has(key) ? this._dict.get(key) : fallback;
    this.delete(key);
    return value;
  }

  /** Removes everything. */
  clear(): void {
    this._list = [];
    this._dict.clear();
  }

  /** Sets each key of `other` (each replaces its key's values). */
  update(other: PairsInit<V>): void {
    const pairs = toPairs(other);
    const keys = new Set(pairs.map(([k]) => k));
    this._list = this._list.filter(([k]) => !keys.has(k));
    this._list.push(...pairs);
    this._dict = new Map(this._list);
  }
}

/**
 * The query parameters of a request: multi-valued, `get` returns the last value,
 * `getlist` all; `toString()` re-encodes them.
 *
 * @example
 * // GET /search?tag=a&tag=b&q=x
 * request.queryParams.get('q'); // 'x'
 * request.queryParams.getlist('tag'); // ['a', 'b']
 */
export class QueryParams extends ImmutableMultiDict<string> {
  constructor(init?: string | PairsInit<string | number | boolean>) {
    if (typeof init === 'string') super(parseQsl(init));
    else super(toPairs(init).map(([k, v]): [string, string] => [k, String(v)]));
  }

  /** The parameters, url-encoded as Python's `urlencode`. */
  override toString(): string {
    return urlencode(this._list);
  }
}

/**
 * Arbitrary attributes (`app.state`, `request.state`) over a plain object, as Starlette's
 * State: `state.db = pool` writes into the underlying record (the scope's `state`).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export class State {
  /** The record the attributes are stored in. */
  declare readonly _state: Record<string, unknown>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [key: string]: any;

  constructor(state: Record<string, unknown> = {}) {
    Object.defineProperty(this, '_state', { value: state, enumerable: false, configurable: true });
    return new Proxy(this, {
      get(target, prop, receiver) {
        if (typeof prop === 'symbol' || prop in target) return Reflect.get(target, prop, receiver);
        return state[prop];
      },
      set(_target, prop, value) {
        if (typeof prop === 'symbol') return false;
        state[prop] = value;
        return true;
      },
      deleteProperty(_target, prop) {
        if (typeof prop === 'symbol') return false;
        delete state[prop];
        return true;
      },
      has(target, prop) {
        return typeof prop === 'string' ? prop in state || prop in target : prop in target;
      },
      ownKeys() {
        return Reflect.ownKeys(state);
      },
      getOwnPropertyDescriptor(_target, prop) {
        if (typeof prop === 'symbol' || !(prop in state)) return undefined;
        return { value: state[prop], writable: true, enumerable: true, configurable: true };
      },
    });
  }
}
