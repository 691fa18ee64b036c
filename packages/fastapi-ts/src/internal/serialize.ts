/**
 * Response-model serialisation (FastAPI's `serialize_response` + pydantic's
 * `model_dump(mode="json")`): validate the handler's value through the model,
 * then write it out with exclude-unset / defaults / none and include /
 * exclude applied at every nesting level. A serialiser is compiled once per
 * response model at start-up.
 */
import type { z } from 'zod';
import { isFieldSet } from '../models';
import { encodeWithTrees, jsonableEncoder, keepKey, type IncExTree } from '../encoders';
import { compileCoercer, type Coercer } from './coerce';
import { issuesWithInput, translateIssues, type ErrorDict } from './validation-errors';
import { acceptsUndefined, defOf, defaultOf, NO_DEFAULT, unwrap } from './zod-walk';

/** What a serialiser leaves out. */
export interface DumpOptions {
  include?: IncExTree;
  exclude?: IncExTree;
  excludeUnset?: boolean;
  excludeDefaults?: boolean;
  excludeNone?: boolean;
}

type Writer = (parsed: unknown, raw: unknown, include: IncExTree | undefined, exclude: IncExTree | undefined, opts: DumpOptions) => unknown;

interface FieldWriter {
  key: string;
  write: Writer;
  /** The default to compare with for exclude-defaults, or NO_DEFAULT. */
  defaultValue: unknown;
  /** `x: T | null = None` in pydantic: an optional nullable field without a value is written as null. */
  implicitNull: boolean;
  /** `write` is {@link leafWriter}: a scalar is written without the call. */
  leaf: boolean;
}

const propertyIsEnumerable = Object.prototype.propertyIsEnumerable;

/** Strings, booleans and finite numbers are written as they are (what encoding them returns). */
const isScalar = (value: unknown): boolean =>
  typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));

const leafWriter: Writer = (parsed, _raw, include, exclude, opts) =>
  isScalar(parsed) ? parsed : encodeWithTrees(parsed, include, exclude, opts.excludeNone);

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  try {
    return JSON.stringify(jsonableEncoder(a)) === JSON.stringify(jsonableEncoder(b));
  } catch {
    return false;
  }
}

function objectWriter(fields: FieldWriter[]): Writer {
  return (parsed, raw, include, exclude, opts) => {
    if (parsed === null || typeof parsed !== 'object') return leafWriter(parsed, raw, include, exclude, opts);
    const source = parsed as Record<string, unknown>;
    // The input is read for exclude-unset only.
    const rawObj = opts.excludeUnset && raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : undefined;
    const out: Record<string, unknown> = {};
    for (const field of fields) {
      let subInclude: IncExTree | undefined;
      let subExclude: IncExTree | undefined;
      if (include || exclude) {
        const [keep, si, se] = keepKey(field.key, include, exclude);
        if (!keep) continue;
        subInclude = si;
        subExclude = se;
      }
      // Exclude-unset: the fields the input set, or (for a value that is not an object) the parsed keys.
      if (opts.excludeUnset && !(rawObj ? isFieldSet(rawObj, field.key) : propertyIsEnumerable.call(source, field.key))) continue;
      let value = source[field.key];
      if (value === undefined) {
        if (!field.implicitNull) continue;
        value = null;
      }
      if (opts.excludeNone && value === null) continue;
      if (opts.excludeDefaults) {
        const def = field.defaultValue !== NO_DEFAULT ? field.defaultValue : field.implicitNull ? null : NO_DEFAULT;
        if (def !== NO_DEFAULT && equal(value, def)) continue;
      }
      out[field.key] = field.leaf && isScalar(value) ? value : field.write(value, rawObj?.[field.key], subInclude, subExclude, opts);
    }
    return out;
  };
}

const isIndexed = (tree: IncExTree | undefined): boolean =>
  tree !== undefined && [...tree.keys()].some((k) => k === '__all__' || /^\d+$/.test(k));

function arrayWriter(element: Writer): Writer {
  return (parsed, raw, include, exclude, opts) => {
    if (!Array.isArray(parsed)) return leafWriter(parsed, raw, include, exclude, opts);
    const rawArr = Array.isArray(raw) ? raw : undefined;
    // An index-keyed tree ({0: ..., __all__: ...}) selects items; a field-keyed one applies to every item.
    const byIndexInclude = isIndexed(include);
    const byIndexExclude = isIndexed(exclude);
    const out: unknown[] = [];
    for (let i = 0; i < parsed.length; i++) {
      let subInclude = include;
      let subExclude = exclude;
      if (byIndexInclude || byIndexExclude) {
        const [keep, si, se] = keepKey(String(i), byIndexInclude ? include : undefined, byIndexExclude ? exclude : undefined);
        if (!keep) continue;
        subInclude = byIndexInclude ? si : include;
        subExclude = byIndexExclude ? se : exclude;
      }
      out.push(element(parsed[i], rawArr?.[i], subInclude, subExclude, opts));
    }
    return out;
  };
}

function compileWriter(schema: z.ZodType, seen: Map<z.ZodType, Writer>): Writer {
  const inner = unwrap(schema);
  const known = seen.get(inner);
  if (known) return known;
  const def = defOf(inner);
  if (def.type === 'object' && def.shape) {
    const fields: FieldWriter[] = [];
    const writer = objectWriter(fields);
    seen.set(inner, (p, r, i, e, o) => writer(p, r, i, e, o));
    for (const [key, field] of Object.entries(def.shape)) {
      const defaultValue = defaultOf(field);
      const implicitNull = defaultValue === NO_DEFAULT && acceptsUndefined(field) && field.safeParse(null).success;
      const write = compileWriter(field, seen);
      fields.push({ key, write, defaultValue, implicitNull, leaf: write === leafWriter });
    }
    return writer;
  }
  if (def.type === 'array' && def.element) {
    const holder: { w?: Writer } = {};
    seen.set(inner, (p, r, i, e, o) => holder.w!(p, r, i, e, o));
    holder.w = arrayWriter(compileWriter(def.element, seen));
    return holder.w;
  }
  return leafWriter;
}

/** A compiled response model: validates and writes out one value. */
export interface Serializer {
  /** Returns the JSON-ready value, or the validation errors (locations under `["response"]`). */
  run(value: unknown, opts: DumpOptions): { ok: true; value: unknown } | { ok: false; errors: ErrorDict[] };
  /** Writes out an already valid value (a Model instance) without validating it again. */
  dump(value: unknown, opts: DumpOptions): unknown;
}

/** Compiles the serialiser of a response model schema. */
export function compileSerializer(schema: z.ZodType): Serializer {
  const coercer: Coercer | null = compileCoercer(schema);
  const write = compileWriter(schema, new Map());
  return {
    run(value, opts) {
      const input = coercer ? coercer(value) : value;
      const result = schema.safeParse(input);
      if (!result.success) return { ok: false, errors: translateIssues(issuesWithInput(schema, input), schema, value, ['response']) };
      return { ok: true, value: write(result.data, value, opts.include, opts.exclude, opts) };
    },
    dump(value, opts) {
      return write(value, value, opts.include, opts.exclude, opts);
    },
  };
}

const modelSerializers = new WeakMap<object, Serializer>();

/** A Model instance as pydantic's `model_dump(mode="json")`: every field, defaults and `null`s included. */
export function dumpModel(instance: object, schema: z.ZodType): unknown {
  let s = modelSerializers.get(schema);
  if (!s) modelSerializers.set(schema, (s = compileSerializer(schema)));
  return s.dump(instance, {});
}
