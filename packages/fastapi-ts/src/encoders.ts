/**
 * `jsonableEncoder`: FastAPI's `jsonable_encoder` for JavaScript values. It
 * turns anything a handler may return into plain JSON-compatible data: Dates
 * become ISO strings, Maps objects, Sets arrays, BigInts numbers (or strings
 * when unsafe), Buffers UTF-8 text, class instances their own fields.
 * `undefined` and functions are dropped from objects, as JSON does.
 */

import type { z } from 'zod';
import { dumpModel } from './internal/serialize';

/** The schema of a Model instance (its class has static `modelName` and `schema`), else undefined. */
function modelSchemaOf(obj: object): z.ZodType | undefined {
  const ctor = (obj as { constructor?: { modelName?: unknown; schema?: unknown } }).constructor;
  if (ctor && typeof ctor.modelName === 'string' && ctor.schema && typeof ctor.schema === 'object' && '_zod' in ctor.schema) return ctor.schema as z.ZodType;
  return undefined;
}

/** Keys to keep or drop: a set/array of names, or a nested map `{ key: true | nested }` (FastAPI's IncEx). */
export type IncEx = ReadonlySet<string | number> | ReadonlyArray<string | number> | { readonly [key: string]: boolean | IncEx };

/** Options of {@link jsonableEncoder}. */
export interface EncoderOptions {
  include?: IncEx;
  exclude?: IncEx;
  /** Drop keys whose value is `null` or `undefined` (FastAPI's `exclude_none`). */
  excludeNone?: boolean;
  /** Encoders tried first, by class (FastAPI's `custom_encoder`). */
  customEncoder?: Map<abstract new (...args: never[]) => unknown, (value: never) => unknown>;
}

/** A normalised include/exclude tree: `true` means the whole key. */
export type IncExTree = Map<string, true | IncExTree>;

/** Normalises the user forms of include/exclude into a tree; `undefined` stays undefined. */
export function toIncExTree(spec: IncEx | undefined): IncExTree | undefined {
  if (spec === undefined) return undefined;
  const tree: IncExTree = new Map();
  if (spec instanceof Set || Array.isArray(spec)) {
    for (const key of spec as Iterable<string | number>) tree.set(String(key), true);
    return tree;
  }
  for (const [key, value] of Object.entries(spec as Record<string, boolean | IncEx>)) {
    if (value === true) tree.set(key, true);
    else if (value !== false) tree.set(key, toIncExTree(value as IncEx) ?? true);
  }
  return tree;
}

/** The sub-tree for `key` (`undefined` = no restriction below), and whether the key is kept. */
export function keepKey(key: string, include: IncExTree | undefined, exclude: IncExTree | undefined): [boolean, IncExTree | undefined, IncExTree | undefined] {
  let subInclude: IncExTree | undefined;
  let subExclude: IncExTree | undefined;
  if (include) {
    const entry = include.get(key) ?? include.get('__all__');
    if (entry === undefined) return [false, undefined, undefined];
    if (entry !== true) subInclude = entry;
  }
  if (exclude) {
    const entry = exclude.get(key) ?? exclude.get('__all__');
    if (entry === true) return [false, undefined, undefined];
    if (entry !== undefined) subExclude = entry;
  }
  return [true, subInclude, subExclude];
}

/**
 * True when the prototype is Object.prototype or null. The usual plain object answers through
 * `__proto__`, a load TurboFan inlines; `Object.getPrototypeOf` is a runtime call in node 20's V8,
 * asked only when that read is not Object.prototype: a null prototype, or an own `__proto__` key
 * (which JSON.parse makes).
 */
function isPlainObject(value: object): boolean {
  if ((value as { __proto__?: unknown }).__proto__ === Object.prototype) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function encode(value: unknown, include: IncExTree | undefined, exclude: IncExTree | undefined, opts: EncoderOptions, depth: number): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (depth > 512) throw new TypeError('jsonableEncoder: value nested deeper than 512 levels (circular reference?)');
  const obj = value as object;
  if (opts.customEncoder) {
    for (const [cls, fn] of opts.customEncoder) if (obj instanceof cls) return encode(fn(obj as never), include, exclude, opts, depth + 1);
  }
  if (Array.isArray(obj)) return encodeArray(obj, include, exclude, opts, depth);
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
  if (obj instanceof Uint8Array) return Buffer.from(obj.buffer, obj.byteOffset, obj.byteLength).toString('utf8');
  if (obj instanceof ArrayBuffer) return Buffer.from(obj).toString('utf8');
  if (obj instanceof Set) return encodeArray([...obj], include, exclude, opts, depth);
  if (obj instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of obj) {
      const key = typeof k === 'string' ? k : String(encode(k, undefined, undefined, opts, depth + 1));
      putKey(out, key, v, include, exclude, opts, depth);
    }
    return out;
  }
  if (obj instanceof RegExp) return obj.source;
  if (obj instanceof URL) return obj.href;
  if (obj instanceof Error) return {};
  if (!isPlainObject(obj)) {
    const schema = modelSchemaOf(obj);
    if (schema !== undefined) return encode(dumpModel(obj, schema), include, exclude, opts, depth + 1);
    const toJSON = (obj as { toJSON?: () => unknown }).toJSON;
    if (typeof toJSON === 'function') return encode(toJSON.call(obj), include, exclude, opts, depth + 1);
    if (typeof (obj as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function') {
      return encodeArray([...(obj as Iterable<unknown>)], include, exclude, opts, depth);
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) putKey(out, key, (obj as Record<string, unknown>)[key], include, exclude, opts, depth);
  return out;
}

function putKey(out: Record<string, unknown>, key: string, v: unknown, include: IncExTree | undefined, exclude: IncExTree | undefined, opts: EncoderOptions, depth: number): void {
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return;
  if (opts.excludeNone && v === null) return;
  const [keep, subInclude, subExclude] = include || exclude ? keepKey(key, include, exclude) : [true, undefined, undefined];
  if (!keep) return;
  const encoded = encode(v, subInclude, subExclude, opts, depth + 1);
  if (encoded === undefined) return;
  if (opts.excludeNone && encoded === null) return;
  // A "__proto__" key (JSON.parse makes one) is data: assigned, it would set the output's prototype and be lost.
  if (key === '__proto__') Object.defineProperty(out, key, { value: encoded, enumerable: true, writable: true, configurable: true });
  else out[key] = encoded;
}

function encodeArray(arr: readonly unknown[], include: IncExTree | undefined, exclude: IncExTree | undefined, opts: EncoderOptions, depth: number): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < arr.length; i++) {
    const [keep, subInclude, subExclude] = include || exclude ? keepKey(String(i), include, exclude) : [true, include, exclude];
    if (!keep) continue;
    const encoded = encode(arr[i], subInclude, subExclude, opts, depth + 1);
    out.push(encoded === undefined ? null : encoded);
  }
  return out;
}

/**
 * Converts `value` into JSON-compatible data, as FastAPI's `jsonable_encoder`.
 *
 * @example
 * jsonableEncoder({ when: new Date(0), tags: new Set(['a']) }) // { when: '1970-01-01T00:00:00.000Z', tags: ['a'] }
 */
export function jsonableEncoder(value: unknown, options: EncoderOptions = {}): unknown {
  return encode(value, toIncExTree(options.include), toIncExTree(options.exclude), options, 0);
}

const EXCLUDE_NONE: EncoderOptions = Object.freeze({ excludeNone: true });
const KEEP_NONE: EncoderOptions = Object.freeze({});

/** {@link jsonableEncoder} with include/exclude already normalised into trees (the response serialiser's). */
export function encodeWithTrees(value: unknown, include: IncExTree | undefined, exclude: IncExTree | undefined, excludeNone: boolean | undefined): unknown {
  return encode(value, include, exclude, excludeNone ? EXCLUDE_NONE : KEEP_NONE, 0);
}

/** True when `JSON.stringify(value)` gives the same text as encoding first (no Dates, Maps, BigInts, ...). */
export function isPlainJson(value: unknown, depth = 0): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (depth > 64) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!isPlainJson(item, depth + 1)) return false;
    return true;
  }
  if (!isPlainObject(value as object)) return false;
  for (const key in value as Record<string, unknown>) {
    if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}
