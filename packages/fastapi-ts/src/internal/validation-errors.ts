/**
 * zod v4 issues -> pydantic v2 error dicts, as FastAPI 0.100+ reports them:
 * `{type, loc, msg, input, ctx?}`. One table per issue code; the schema and
 * the raw (uncoerced) input decide the pydantic type (`int_parsing` for a
 * string that is not an integer, `int_from_float` for 1.5, ...).
 */
import type { z } from 'zod';
import { locateJsonError } from './json-error';
import { defOf, isIntSchema, schemaAt, unwrap, valueAt } from './zod-walk';

/** One validation error, in pydantic v2's shape (FastAPI drops the `url` key). */
export interface ErrorDict {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

type Issue = z.core.$ZodIssue;

/**
 * The issues of a failed parse, with their inputs. Parsing with zod's
 * `reportInput` is many times slower, so the request path parses without it
 * and only a failure parses again to learn the inputs.
 */
export function issuesWithInput(schema: z.ZodType, input: unknown): readonly Issue[] {
  const again = schema.safeParse(input, { reportInput: true });
  return again.success ? [] : again.error.issues;
}

/** `"'a', 'b' or 'c'"`, as pydantic lists expected values. */
export function expectedList(values: readonly unknown[]): string {
  const shown = values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v)));
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}

const plural = (n: number | bigint, word: string): string => `${n} ${word}${Number(n) === 1 ? '' : 's'}`;

/** The error of a required value that is absent. */
export function missingError(loc: Array<string | number>, input: unknown = null): ErrorDict {
  return { type: 'missing', loc, msg: 'Field required', input: input === undefined ? null : input };
}

function typeError(leaf: z.ZodType | undefined, expected: string, raw: unknown): Pick<ErrorDict, 'type' | 'msg'> {
  const def = leaf ? defOf(unwrap(leaf)) : undefined;
  const kind = def?.type ?? expected;
  switch (kind === 'int' ? 'number' : kind) {
    case 'number':
    case 'bigint': {
      const int = kind === 'bigint' || expected === 'int' || (leaf !== undefined && isIntSchema(unwrap(leaf)));
      if (int) {
        if (typeof raw === 'string') return { type: 'int_parsing', msg: 'Input should be a valid integer, unable to parse string as an integer' };
        if (typeof raw === 'number' && Number.isFinite(raw)) return { type: 'int_from_float', msg: 'Input should be a valid integer, got a number with a fractional part' };
        return { type: 'int_type', msg: 'Input should be a valid integer' };
      }
      if (typeof raw === 'string') return { type: 'float_parsing', msg: 'Input should be a valid number, unable to parse string as a number' };
      if (typeof raw === 'number') return { type: 'finite_number', msg: 'Input should be a finite number' };
      return { type: 'float_type', msg: 'Input should be a valid number' };
    }
    case 'boolean':
      return typeof raw === 'string' || typeof raw === 'number'
        ? { type: 'bool_parsing', msg: 'Input should be a valid boolean, unable to interpret input' }
        : { type: 'bool_type', msg: 'Input should be a valid boolean' };
    case 'string':
      return { type: 'string_type', msg: 'Input should be a valid string' };
    case 'object':
      return { type: 'model_attributes_type', msg: 'Input should be a valid dictionary or object to extract fields from' };
    case 'record':
    case 'map':
      return { type: 'dict_type', msg: 'Input should be a valid dictionary' };
    case 'array':
      return { type: 'list_type', msg: 'Input should be a valid list' };
    case 'tuple':
      return { type: 'tuple_type', msg: 'Input should be a valid tuple' };
    case 'set':
      return { type: 'set_type', msg: 'Input should be a valid set' };
    case 'date':
      return { type: 'datetime_type', msg: 'Input should be a valid datetime' };
    case 'null':
      return { type: 'none_required', msg: 'Input should be None' };
    default:
      return { type: `${kind}_type`, msg: `Input should be a valid ${kind}` };
  }
}

function boundError(issue: Issue & { code: 'too_small' | 'too_big' }, raw: unknown): Omit<ErrorDict, 'loc' | 'input'> {
  const small = issue.code === 'too_small';
  const bound = small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
  const limit = typeof bound === 'bigint' ? Number(bound) : bound;
  switch (issue.origin) {
    case 'string':
      return small
        ? { type: 'string_too_short', msg: `String should have at least ${plural(limit, 'character')}`, ctx: { min_length: limit } }
        : { type: 'string_too_long', msg: `String should have at most ${plural(limit, 'character')}`, ctx: { max_length: limit } };
    case 'array':
    case 'set': {
      const actual = Array.isArray(raw) ? raw.length : raw instanceof Set ? raw.size : 0;
      const fieldType = issue.origin === 'set' ? 'Set' : 'List';
      return small
        ? { type: 'too_short', msg: `${fieldType} should have at least ${plural(limit, 'item')} after validation, not ${actual}`, ctx: { field_type: fieldType, min_length: limit, actual_length: actual } }
        : { type: 'too_long', msg: `${fieldType} should have at most ${plural(limit, 'item')} after validation, not ${actual}`, ctx: { field_type: fieldType, max_length: limit, actual_length: actual } };
    }
    default: {
      const inclusive = issue.inclusive !== false;
      if (small) {
        return inclusive
          ? { type: 'greater_than_equal', msg: `Input should be greater than or equal to ${limit}`, ctx: { ge: limit } }
          : { type: 'greater_than', msg: `Input should be greater than ${limit}`, ctx: { gt: limit } };
      }
      return inclusive
        ? { type: 'less_than_equal', msg: `Input should be less than or equal to ${limit}`, ctx: { le: limit } }
        : { type: 'less_than', msg: `Input should be less than ${limit}`, ctx: { lt: limit } };
    }
  }
}

function formatError(issue: Issue & { code: 'invalid_format' }): Omit<ErrorDict, 'loc' | 'input'> {
  switch (issue.format) {
    case 'regex': {
      const pattern = (issue.pattern ?? '').replace(/^\/(.*)\/[a-z]*$/s, '$1');
      return { type: 'string_pattern_mismatch', msg: `String should match pattern '${pattern}'`, ctx: { pattern } };
    }
    case 'email':
      return { type: 'value_error', msg: 'value is not a valid email address: An email address must have an @-sign.', ctx: { reason: 'An email address must have an @-sign.' } };
    case 'uuid':
    case 'guid':
      return { type: 'uuid_parsing', msg: 'Input should be a valid UUID, invalid character', ctx: { error: 'invalid character' } };
    case 'url':
      return { type: 'url_parsing', msg: 'Input should be a valid URL, relative URL without a base', ctx: { error: 'relative URL without a base' } };
    case 'datetime':
      return { type: 'datetime_from_date_parsing', msg: 'Input should be a valid datetime or date, invalid character in year', ctx: { error: 'invalid character in year' } };
    case 'date':
      return { type: 'date_from_datetime_parsing', msg: 'Input should be a valid date or datetime, invalid character in year', ctx: { error: 'invalid character in year' } };
    default:
      return { type: 'string_pattern_mismatch', msg: issue.message, ctx: { pattern: issue.pattern ?? issue.format } };
  }
}

/**
 * Translates the issues of one `safeParse` into pydantic error dicts.
 * `raw` is the value before coercion (pydantic reports the input as sent);
 * `prefix` is the location of the value (`["query", "skip"]`, `["body"]`).
 */
export function translateIssues(issues: readonly Issue[], schema: z.ZodType, raw: unknown, prefix: Array<string | number>): ErrorDict[] {
  const out: ErrorDict[] = [];
  const seen = new Set<string>();
  const push = (e: ErrorDict): void => {
    const key = JSON.stringify([e.type, e.loc]);
    if (seen.has(key)) return;
    seen.add(key);
    // FastAPI's key order, whatever order the table entries were spread in.
    out.push(e.ctx === undefined ? { type: e.type, loc: e.loc, msg: e.msg, input: e.input } : { type: e.type, loc: e.loc, msg: e.msg, input: e.input, ctx: e.ctx });
  };
  const visit = (issue: Issue, base: PropertyKey[]): void => {
    const path = [...base, ...issue.path];
    const loc = [...prefix, ...path.map((p) => (typeof p === 'number' ? p : String(p)))];
    const leaf = schemaAt(schema, path);
    const parent = path.length ? valueAt(raw, path.slice(0, -1)) : undefined;
    const present = path.length === 0 ? raw !== undefined : parent !== null && typeof parent === 'object' && path[path.length - 1] in parent;
    const rawValue = path.length === 0 ? raw : present ? valueAt(raw, path) : undefined;
    const input = rawValue === undefined ? (issue.input === undefined ? null : issue.input) : rawValue;
    switch (issue.code) {
      case 'invalid_type':
        if (!present || rawValue === undefined) {
          push(missingError(loc, path.length ? parent : null));
          return;
        }
        push({ ...typeError(leaf, issue.expected, rawValue), loc, input });
        return;
      case 'too_small':
      case 'too_big':
        push({ ...boundError(issue, rawValue ?? issue.input), loc, input });
        return;
      case 'invalid_value': {
        const isEnum = leaf !== undefined && defOf(unwrap(leaf)).type === 'enum';
        const expected = expectedList(issue.values);
        push({ type: isEnum ? 'enum' : 'literal_error', loc, msg: `Input should be ${expected}`, input, ctx: { expected } });
        return;
      }
      case 'invalid_format':
        push({ ...formatError(issue), loc, input });
        return;
      case 'not_multiple_of':
        push({ type: 'multiple_of', loc, msg: `Input should be a multiple of ${issue.divisor}`, input, ctx: { multiple_of: issue.divisor } });
        return;
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          push({ type: 'extra_forbidden', loc: [...loc, key], msg: 'Extra inputs are not permitted', input: valueAt(rawValue, [key]) ?? null });
        }
        return;
      case 'invalid_union':
        if (issue.errors.length === 0) {
          push({ type: 'union_tag_invalid', loc, msg: issue.message, input });
          return;
        }
        for (const branch of issue.errors) for (const sub of branch) visit(sub, path);
        return;
      case 'invalid_key':
      case 'invalid_element':
        for (const sub of issue.issues) visit(sub, path);
        return;
      case 'custom':
      default:
        push({ type: 'value_error', loc, msg: `Value error, ${issue.message}`, input, ctx: { error: {} } });
    }
  };
  for (const issue of issues) visit(issue, []);
  return out;
}

/**
 * The error of a JSON body that does not parse: FastAPI reports the position
 * of the failure in `loc` and Python's `json` message in `ctx.error`.
 */
export function jsonInvalidError(text: string): ErrorDict {
  const found = locateJsonError(text) ?? { pos: 0, msg: 'Expecting value' };
  return { type: 'json_invalid', loc: ['body', found.pos], msg: 'JSON decode error', input: {}, ctx: { error: found.msg } };
}
