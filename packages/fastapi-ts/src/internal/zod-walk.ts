/**
 * Introspection of zod v4 schemas through their `_zod.def`, shared by the
 * coercer, the error translator and the response serialiser. Everything here
 * runs at start-up or on the error path, never per successful request.
 */
import type { z } from 'zod';

/** The def of a schema, loosely typed: zod's defs are a union too wide to narrow usefully here. */
export interface LooseDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  items?: z.ZodType[];
  valueType?: z.ZodType;
  keyType?: z.ZodType;
  getter?: () => z.ZodType;
  coerce?: boolean;
  format?: string;
  checks?: Array<{ _zod: { def: Record<string, unknown> } }>;
  values?: unknown[];
  entries?: Record<string, unknown>;
  defaultValue?: unknown;
}

/** The loosely-typed def of `schema`. */
export function defOf(schema: z.ZodType): LooseDef {
  return (schema as unknown as { _zod: { def: LooseDef } })._zod.def;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/**
 * The schema under the wrappers that do not change the shape of a value
 * (optional, nullable, default, readonly, catch, lazy), and the input side of pipes.
 */
export function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let i = 0; i < 64; i++) {
    const def = defOf(current);
    if (WRAPPERS.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = defOf(def.in).type === 'transform' && def.out ? def.out : def.in;
    else if (def.type === 'lazy' && def.getter) current = def.getter();
    else return current;
  }
  return current;
}

/** How `schema` takes `undefined` (zod's `optin`): `'optional'`, `'defaulted'` (it substitutes its default), or not at all. */
export function optinOf(schema: z.ZodType): string | undefined {
  return (schema as unknown as { _zod: { optin?: string } })._zod.optin;
}

/** True when `schema` accepts `undefined` (optional or defaulted): absent input is not an error. */
export function acceptsUndefined(schema: z.ZodType): boolean {
  const optin = optinOf(schema);
  return optin === 'optional' || optin === 'defaulted';
}

/** True for a number schema restricted to integers (`z.int()`, `z.number().int()`). */
export function isIntSchema(schema: z.ZodType): boolean {
  const def = defOf(schema);
  if (def.type !== 'number') return false;
  if (def.format === 'safeint' || def.format === 'int32' || def.format === 'uint32') return true;
  return (def.checks ?? []).some((c) => c._zod.def.check === 'number_format' && /int/.test(String(c._zod.def.format)));
}

/** The default value a `.default()` wrapper (at any wrapper depth) supplies, or `NO_DEFAULT`. */
export const NO_DEFAULT = Symbol('no default');
export function defaultOf(schema: z.ZodType): unknown {
  let current = schema;
  for (let i = 0; i < 64; i++) {
    const def = defOf(current);
    if (def.type === 'default' || def.type === 'prefault') return def.defaultValue;
    if (WRAPPERS.has(def.type) && def.innerType) current = def.innerType;
    else return NO_DEFAULT;
  }
  return NO_DEFAULT;
}

/** The schema a path (object keys, array indexes) leads to inside `schema`, or undefined. */
export function schemaAt(schema: z.ZodType | undefined, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current = schema;
  for (const key of path) {
    if (!current) return undefined;
    const def = defOf(unwrap(current));
    if (def.type === 'object' && def.shape) current = def.shape[String(key)];
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'tuple') current = def.items?.[Number(key)];
    else if (def.type === 'record') current = def.valueType;
    else return undefined;
  }
  return current;
}

/** The value a path leads to inside `value`, or undefined. */
export function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
