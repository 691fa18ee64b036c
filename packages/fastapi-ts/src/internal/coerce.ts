/**
 * Pydantic's lax mode for zod: strings from the query, path, headers and
 * cookies (and strings/numbers in JSON bodies) become numbers, booleans,
 * bigints and dates where the schema wants them. A coercer is compiled once
 * per schema at start-up; schemas that need no coercion compile to `null`.
 * Values that cannot be coerced are left as they are, so that zod reports the
 * error and the translator words it as pydantic would (`int_parsing`...).
 * Coercers never mutate their input (the raw input is needed for error reports).
 */
import type { z } from 'zod';
import { defOf, isIntSchema, unwrap } from './zod-walk';

/** Turns a raw value into what the schema expects, where pydantic's lax mode would. */
export type Coercer = (value: unknown) => unknown;

const INT_RE = /^\s*[+-]?\d+(_\d+)*\s*$/;
const FLOAT_RE = /^\s*[+-]?(\d+(_\d+)*(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$|^\s*[+-]?(inf|infinity|nan)\s*$/i;
const TRUE = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

function toFloat(s: string): number | undefined {
  if (!FLOAT_RE.test(s)) return undefined;
  const t = s.trim().toLowerCase().replace(/_/g, '');
  if (t.endsWith('inf') || t.endsWith('infinity')) return t.startsWith('-') ? -Infinity : Infinity;
  if (t.endsWith('nan')) return NaN;
  return Number(t);
}

/** An INT_RE match as a number: `Number()` ignores the surrounding whitespace itself; only `_` separators need removing. */
const intValue = (s: string): number => Number(s.includes('_') ? s.replace(/_/g, '') : s);

const coerceNumber = (int: boolean): Coercer => (value) => {
  if (typeof value !== 'string') return value;
  if (int) return INT_RE.test(value) ? intValue(value) : value;
  const n = toFloat(value);
  return n === undefined ? value : n;
};

const coerceBoolean: Coercer = (value) => {
  if (typeof value === 'string') {
    const s = value.toLowerCase();
    if (TRUE.has(s)) return true;
    if (FALSE.has(s)) return false;
    return value;
  }
  if (value === 0 || value === 1) return value === 1;
  return value;
};

const coerceBigint: Coercer = (value) => {
  if (typeof value === 'string' && INT_RE.test(value)) return BigInt(value.trim().replace(/_/g, ''));
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return value;
};

const coerceDate: Coercer = (value) => {
  if (typeof value === 'string' && value.trim() !== '') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? value : d;
  }
  return value;
};

function arrayCoercer(element: Coercer): Coercer {
  return (value) => {
    if (!Array.isArray(value)) return value;
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = element(value[i]);
      if (v !== value[i]) {
        out ??= value.slice();
        out[i] = v;
      }
    }
    return out ?? value;
  };
}

function objectCoercer(fields: Array<[string, Coercer]>): Coercer {
  return (value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const source = value as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const [key, coerce] of fields) {
      if (!(key in source)) continue;
      const v = coerce(source[key]);
      if (v !== source[key]) {
        out ??= { ...source };
        out[key] = v;
      }
    }
    return out ?? value;
  };
}

/**
 * Compiles the lax-mode coercer of `schema`, or `null` when values pass
 * through unchanged. `seen` stops recursion through lazy (self-referencing) schemas.
 */
export function compileCoercer(schema: z.ZodType, seen: Set<z.ZodType> = new Set()): Coercer | null {
  const inner = unwrap(schema);
  if (seen.has(inner)) return null;
  const def = defOf(inner);
  switch (def.type) {
    case 'number':
      return coerceNumber(isIntSchema(inner));
    case 'boolean':
      return coerceBoolean;
    case 'bigint':
      return coerceBigint;
    case 'date':
      return coerceDate;
    case 'array': {
      if (!def.element) return null;
      seen.add(inner);
      const element = compileCoercer(def.element, seen);
      seen.delete(inner);
      return element ? arrayCoercer(element) : null;
    }
    case 'object': {
      seen.add(inner);
      const fields: Array<[string, Coercer]> = [];
      for (const [key, field] of Object.entries(def.shape ?? {})) {
        const c = compileCoercer(field, seen);
        if (c) fields.push([key, c]);
      }
      seen.delete(inner);
      return fields.length ? objectCoercer(fields) : null;
    }
    case 'literal': {
      // A literal number or boolean compared with a string from the query.
      const values = def.values ?? [];
      if (values.some((v) => typeof v === 'number')) return coerceNumber(false);
      if (values.some((v) => typeof v === 'boolean')) return coerceBoolean;
      return null;
    }
    default:
      return null;
  }
}

/** True when the schema (under its wrappers) is a sequence: query/header keys repeat into it. */
export function isSequenceSchema(schema: z.ZodType): boolean {
  const t = defOf(unwrap(schema)).type;
  return t === 'array' || t === 'set' || t === 'tuple';
}
