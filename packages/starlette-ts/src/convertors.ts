/**
 * Path parameter convertors, as Starlette's `starlette.convertors`: each has a regex
 * fragment, `convert` (string -> value) and `toString` (value -> string for urlPathFor).
 */
import { RouteDefinitionError } from './errors';

/** A path convertor: `{name:key}` in a route path uses the convertor registered under `key`. */
export interface Convertor<T = unknown> {
  /** A regex fragment without capturing groups. */
  readonly regex: string;
  /** Turns the matched text into the parameter value; throwing makes the route not match. */
  convert(value: string): T;
  /** Turns a value back into path text (for `urlPathFor`). */
  toString(value: T): string;
}

/** `{name}` / `{name:str}`: one path segment, no `/`. */
export const StringConvertor: Convertor<string> = {
  regex: '[^/]+',
  convert: (value) => value,
  toString(value) {
    const text = String(value);
    if (text.includes('/')) throw new RouteDefinitionError('May not contain path separators');
    if (text === '') throw new RouteDefinitionError('Must not be empty');
    return text;
  },
};

/** `{name:path}`: the rest of the path, `/` included. */
export const PathConvertor: Convertor<string> = {
  regex: '.*',
  convert: (value) => value,
  toString: (value) => String(value),
};

/** `{name:int}`: non-negative decimal integers, up to Number.MAX_SAFE_INTEGER (larger ones do not match). */
export const IntegerConvertor: Convertor<number> = {
  regex: '[0-9]+',
  convert(value) {
    const number = Number(value);
    if (!Number.isSafeInteger(number)) throw new RangeError(`Integer path parameter out of range: ${value}`);
    return number;
  },
  toString(value) {
    const number = Math.trunc(Number(value));
    if (!(number >= 0)) throw new RouteDefinitionError('Negative integers are not supported');
    return String(number);
  },
};

/** `{name:float}`: `123` or `1.5` (no sign, no exponent). */
export const FloatConvertor: Convertor<number> = {
  regex: '[0-9]+(?:\\.[0-9]+)?',
  convert: (value) => Number(value),
  toString(value) {
    const number = Number(value);
    if (Number.isNaN(number)) throw new RouteDefinitionError('NaN values are not supported');
    if (!Number.isFinite(number)) throw new RouteDefinitionError('Infinite values are not supported');
    if (number < 0) throw new RouteDefinitionError('Negative floats are not supported');
    // Python's "%0.20f" with trailing zeros (and dot) stripped.
    return number.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
  },
};

/** `{name:uuid}`: a UUID with or without hyphens; converted to the canonical lower-case form. */
export const UUIDConvertor: Convertor<string> = {
  regex: '[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}',
  convert(value) {
    const hex = value.replace(/-/g, '').toLowerCase();
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  },
  toString: (value) => String(value),
};

/** The registered convertors by name (`str`, `path`, `int`, `float`, `uuid`). */
export const CONVERTOR_TYPES: Record<string, Convertor<any>> = {
  str: StringConvertor,
  path: PathConvertor,
  int: IntegerConvertor,
  float: FloatConvertor,
  uuid: UUIDConvertor,
};

/**
 * Registers a custom convertor usable as `{name:key}` in routes defined afterwards.
 *
 * @example
 * registerUrlConvertor('date', { regex: '\\d{4}-\\d{2}-\\d{2}', convert: (s) => new Date(s), toString: (d) => d.toISOString().slice(0, 10) });
 */
export function registerUrlConvertor(key: string, convertor: Convertor<any>): void {
  CONVERTOR_TYPES[key] = convertor;
}
