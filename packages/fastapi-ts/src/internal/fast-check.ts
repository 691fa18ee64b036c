/**
 * Validation without zod for the plain parameter schemas most routes declare
 * (`z.string()`, `Int`, `z.number()`, `z.boolean()`, their `z.coerce.*` forms and
 * `.int()`, optionally wrapped in `.optional()`, `.nullable()` or a `.default()` of a
 * primitive). On valid input a check returns exactly what zod's `safeParse`
 * would; on anything else it returns {@link MISS} and the caller asks zod, which
 * reports the error. A `safeParse` costs a result object, a context and an issue
 * list per call, which made zod the largest single cost of a query-parameter
 * route (docs/benchmarks.md). Schemas with any other check, a format,
 * refinements or transforms compile to `null`.
 */
import type { z } from 'zod';
import { defOf, optinOf } from './zod-walk';

/** Returned when the fast check cannot vouch for the input: validate with zod instead. */
export const MISS: unique symbol = Symbol('fast-check miss');

/** A compiled check: the validated value, or {@link MISS}. */
export type FastCheck = (input: unknown) => unknown;

const isPrimitive = (value: unknown): boolean => value === null || ['string', 'number', 'boolean'].includes(typeof value);

/** `.int()` on a number schema: zod's `number_format` check with format `safeint` (what `z.int()` has as its format). */
function isSafeIntCheck(check: unknown): boolean {
  const def = (check as { _zod?: { def?: { check?: string; format?: string } } })._zod?.def;
  return def?.check === 'number_format' && def.format === 'safeint';
}

/** zod's coercion (`z.coerce.*`): the constructor applied to the input, a throw leaving the input as it was. */
function coerced(convert: (input: unknown) => unknown, check: FastCheck): FastCheck {
  return (input) => {
    let value = input;
    try {
      value = convert(input);
    } catch {
      // zod keeps the input, and its type check then fails
    }
    return check(value);
  };
}

function leafCheck(schema: z.ZodType): FastCheck | null {
  const def = defOf(schema);
  const checks: unknown[] = def.checks ?? [];
  let check: FastCheck;
  switch (def.type) {
    case 'string':
      if (def.format !== undefined || checks.length > 0) return null;
      check = (input) => (typeof input === 'string' ? input : MISS);
      return def.coerce ? coerced(String, check) : check;
    case 'boolean':
      if (checks.length > 0) return null;
      check = (input) => (typeof input === 'boolean' ? input : MISS);
      return def.coerce ? coerced(Boolean, check) : check;
    case 'number': {
      if (def.format !== undefined && def.format !== 'safeint') return null;
      if (!checks.every(isSafeIntCheck)) return null;
      if (def.format === 'safeint' || checks.length > 0) check = (input) => (Number.isSafeInteger(input) ? input : MISS);
      else check = (input) => (typeof input === 'number' && Number.isFinite(input) ? input : MISS);
      return def.coerce ? coerced(Number, check) : check;
    }
    default:
      return null;
  }
}

/** Compiles the fast check of `schema`, or null when it must always go through zod. */
export function compileFastCheck(schema: z.ZodType): FastCheck | null {
  const def = defOf(schema);
  const inner = def.innerType;
  switch (def.type) {
    case 'optional': {
      const check = inner && compileFastCheck(inner);
      if (!check) return null;
      // `.default(x).optional()` still gives x for undefined: zod runs a defaulted inner schema on it.
      return optinOf(inner!) === 'defaulted' ? check : (input) => (input === undefined ? undefined : check(input));
    }
    case 'nullable': {
      const check = inner && compileFastCheck(inner);
      return check ? (input) => (input === null ? null : check(input)) : null;
    }
    case 'default': {
      const check = inner && compileFastCheck(inner);
      if (!check) return null;
      // `defaultValue` is a getter (a function default is called, an object cloned): read it per use,
      // and leave anything but a primitive to zod.
      return (input) => {
        if (input !== undefined) return check(input);
        const value = def.defaultValue;
        return isPrimitive(value) ? value : MISS;
      };
    }
    default:
      return leafCheck(schema);
  }
}
