/**
 * `Model(name, shape)`: pydantic's BaseModel for zod. It gives a class that is
 * at once a TypeScript type, a runtime class `reflect-metadata` can see, a
 * zod schema (`Item.schema`) and an OpenAPI component (`Item.modelName`).
 * Instances remember which fields the input set (`model_fields_set`), which
 * is what `responseModelExcludeUnset` reads.
 */
import { z } from 'zod';
import { ValidationError } from './errors';
import { issuesWithInput, translateIssues } from './internal/validation-errors';
import { defOf, unwrap } from './internal/zod-walk';
import { compileCoercer, type Coercer } from './internal/coerce';
import { registerSchemaName } from './openapi/schemas';

const FIELDS_SET = Symbol.for('fastapi-ts.fieldsSet');

/**
 * An integer schema for parameters and fields (pydantic's `int`): `Query(Int)`,
 * `Path(Int.gt(0))`. A bare `Number` type or `z.number()` is a float, as FastAPI's `float`.
 */
export const Int = z.int();

/** The static side of a model class. */
export interface ModelClass<S extends z.ZodRawShape = z.ZodRawShape> {
  new (data: z.input<z.ZodObject<S>>): z.output<z.ZodObject<S>>;
  /** The OpenAPI component name. */
  readonly modelName: string;
  /** The zod object schema of the model's fields. */
  readonly schema: z.ZodObject<S>;
  /** Validates `data` (lax mode, as pydantic's `model_validate`) and returns an instance. */
  validate<T>(this: new (data: never) => T, data: unknown): T;
}

/** Any model class, whatever its shape. */
export interface AnyModelClass {
  new (data: never): object;
  readonly modelName: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly schema: z.ZodObject<any>;
}

/** True when `value` is a class made by `Model()` (or a subclass of one). */
export function isModelClass(value: unknown): value is AnyModelClass {
  return typeof value === 'function' && (value as { [MODEL_MARK]?: true })[MODEL_MARK] === true;
}

const MODEL_MARK = Symbol.for('fastapi-ts.model');

/**
 * The names of the fields the input set (pydantic's `model_fields_set`): for
 * model instances and objects validated through a model, the keys the input
 * had; for any other object, its own keys whose value is not `undefined`.
 */
export function fieldsSet(value: object): ReadonlySet<string> {
  const recorded = (value as { [FIELDS_SET]?: Set<string> })[FIELDS_SET];
  if (recorded) return recorded;
  const keys = new Set<string>();
  for (const key of Object.keys(value)) if ((value as Record<string, unknown>)[key] !== undefined) keys.add(key);
  return keys;
}

const propertyIsEnumerable = Object.prototype.propertyIsEnumerable;

/** Whether `key` is in `fieldsSet(value)`, without building the set (asked per field when writing a response). */
export function isFieldSet(value: object, key: string): boolean {
  const recorded = (value as { [FIELDS_SET]?: Set<string> })[FIELDS_SET];
  if (recorded) return recorded.has(key);
  return propertyIsEnumerable.call(value, key) && (value as Record<string, unknown>)[key] !== undefined;
}

/**
 * Records on `target` which fields `raw` set (pydantic's `model_fields_set`), and marks the objects nested
 * in `parsed`. Returns false when the schema is not an object's (nothing recorded).
 */
type Marker = (raw: object, parsed: object, target: object) => boolean;

/** Compiled markers by schema: the schema walk happens once, not per request. */
const markers = new WeakMap<z.ZodType, Marker | null>();

/** True when values of `schema` can hold objects to mark (an object, or an array of such). */
function holdsObjects(schema: z.ZodType, depth = 0): boolean {
  const def = defOf(unwrap(schema));
  if (def.type === 'object') return true;
  return def.type === 'array' && def.element !== undefined && depth < 32 && holdsObjects(def.element, depth + 1);
}

/**
 * The test that lets {@link recordFieldsSet} skip recording: true when the fields `raw` set (its `keys`
 * holding a value) are exactly the keys of `target` holding a value, what {@link fieldsSet} reads off an
 * unmarked object.
 */
type SameKeys = (target: object, raw: Record<string, unknown>, keys: string[], fields: Set<string>) => boolean;

function compileMarker(schema: z.ZodType): Marker | null {
  const def = defOf(unwrap(schema));
  if (def.type === 'object' && def.shape) {
    const shape = def.shape;
    const keys = Object.keys(shape);
    const fields = new Set(keys);
    // A parsed object (and an instance made from one) of a stripping or strict object schema holds the
    // schema's keys only: comparing those keys is enough. A catch-all keeps other keys too.
    const catchall = (def as { catchall?: z.ZodType }).catchall;
    const sameKeys: SameKeys = catchall === undefined || defOf(catchall).type === 'never' ? sameShapeKeys : setsTheDefinedKeys;
    // Only fields that can hold objects are walked further.
    const nested: Array<[string, z.ZodType]> = keys.filter((key) => holdsObjects(shape[key])).map((key) => [key, shape[key]]);
    return (raw, parsed, target) => {
      if (Array.isArray(raw)) return false;
      const input = raw as Record<string, unknown>;
      for (let i = 0; i < nested.length; i++) {
        const [key, child] = nested[i];
        const value = input[key];
        if (value !== undefined) {
          const inner = (parsed as Record<string, unknown>)[key];
          mark(child, value, inner, inner);
        }
      }
      recordFieldsSet(target, input, keys, fields, sameKeys);
      return true;
    };
  }
  if (def.type === 'array' && def.element) {
    const element = def.element;
    return (raw, parsed) => {
      if (!Array.isArray(raw) || !Array.isArray(parsed)) return false;
      for (let i = 0; i < parsed.length; i++) mark(element, raw[i], parsed[i], parsed[i]);
      return false;
    };
  }
  return null;
}

/** {@link SameKeys} for any target: walks its own keys. Allocates nothing. */
function setsTheDefinedKeys(target: object, raw: Record<string, unknown>, keys: string[], fields: Set<string>): boolean {
  let defined = 0;
  for (const key in target) {
    if (!Object.prototype.hasOwnProperty.call(target, key) || (target as Record<string, unknown>)[key] === undefined) continue;
    if (!fields.has(key) || raw[key] === undefined) return false;
    defined++;
  }
  let set = 0;
  for (let i = 0; i < keys.length; i++) if (raw[keys[i]] !== undefined) set++;
  return defined === set;
}

/** {@link SameKeys} for a target that holds no key outside `keys`: compares key by key. */
function sameShapeKeys(target: object, raw: Record<string, unknown>, keys: string[]): boolean {
  for (let i = 0; i < keys.length; i++) {
    if (((target as Record<string, unknown>)[keys[i]] === undefined) !== (raw[keys[i]] === undefined)) return false;
  }
  return true;
}

/** Records on `target` the fields `raw` set, among the model's `keys`. */
function recordFieldsSet(
  target: object,
  raw: Record<string, unknown>,
  keys: string[],
  fields: Set<string>,
  sameKeys: SameKeys = setsTheDefinedKeys,
): void {
  if (Object.prototype.hasOwnProperty.call(target, FIELDS_SET)) return;
  // Every field with a value was set (no default filled in): fieldsSet() derives the same set from the
  // object itself, and neither the set nor the property (a defineProperty, the costliest step of
  // validating a body) is needed.
  if (sameKeys(target, raw, keys, fields)) return;
  const set = new Set<string>();
  for (let i = 0; i < keys.length; i++) if (raw[keys[i]] !== undefined) set.add(keys[i]);
  // Non-enumerable, so a spread or Object.assign copy does not carry a stale set along.
  Object.defineProperty(target, FIELDS_SET, { value: set, enumerable: false, configurable: true });
}

/**
 * Records which keys `raw` set (pydantic's `model_fields_set`) on the objects nested in `parsed`, and on
 * `target` (`parsed` itself, or the instance made from it). Returns false when nothing was recorded on
 * `target` (`raw` or the schema is not an object's).
 */
function mark(schema: z.ZodType, raw: unknown, parsed: unknown, target: unknown): boolean {
  if (parsed === null || typeof parsed !== 'object' || raw === null || typeof raw !== 'object') return false;
  const marker = markerFor(schema);
  return marker !== null && marker(raw, parsed, target as object);
}

/** The compiled marker of `schema`, compiled on first use. */
function markerFor(schema: z.ZodType): Marker | null {
  let marker = markers.get(schema);
  if (marker === undefined) markers.set(schema, (marker = compileMarker(schema)));
  return marker;
}

/** Records on a model instance the fields set by `raw`, or (when `raw` is not an object) the keys of `parsed` holding a value. */
function markInstance(instance: object, marker: Marker | null, raw: unknown, parsed: Record<string, unknown>): void {
  if (marker !== null && raw !== null && typeof raw === 'object' && marker(raw, parsed, instance)) return;
  const keys = Object.keys(parsed);
  recordFieldsSet(instance, parsed, keys, new Set(keys));
}

/** The compiled marker of a model class, also kept on the class (no lookup by schema per instance). */
const MARKER = Symbol('fastapi-ts.marker');

function markerOf(cls: AnyModelClass): Marker | null {
  // An own property only: a subclass inherits its parent's statics, but may declare a schema of its own.
  if (Object.prototype.hasOwnProperty.call(cls, MARKER)) return (cls as unknown as { [MARKER]: Marker | null })[MARKER];
  const marker = markerFor(cls.schema);
  Object.defineProperty(cls, MARKER, { value: marker });
  return marker;
}

/**
 * Builds an instance of `cls` from an already validated value without
 * validating again (the request path validates once, with all errors collected).
 */
export function instantiate<T>(cls: AnyModelClass, raw: unknown, parsed: Record<string, unknown>): T {
  const instance = Object.create(cls.prototype) as Record<string, unknown>;
  Object.assign(instance, parsed);
  // The set is recorded on the instance only: `parsed` itself is dropped.
  markInstance(instance, markerOf(cls), raw, parsed);
  return instance as T;
}

/**
 * Creates a model class. Extend it to name the type:
 *
 * @example
 * class Item extends Model('Item', { name: z.string(), price: z.number(), tax: z.number().default(10.5) }) {}
 * const item = new Item({ name: 'Foo', price: 3 }); // item.tax === 10.5; fieldsSet(item) = {name, price}
 */
export function Model<S extends z.ZodRawShape>(name: string, shape: S): ModelClass<S> {
  const schema = z.object(shape);
  // Named for OpenAPI: the model becomes `components/schemas/<name>`, also when nested in another model.
  registerSchemaName(schema, name);
  let coercer: Coercer | null | undefined;
  let marker: Marker | null | undefined;
  const base = class {
    static readonly modelName = name;
    static readonly schema = schema;
    static readonly [MODEL_MARK] = true;

    constructor(data: unknown) {
      coercer ??= compileCoercer(schema);
      const input = coercer ? coercer(data) : data;
      const result = schema.safeParse(input);
      if (!result.success) throw new ValidationError(name, translateIssues(issuesWithInput(schema, input), schema, data, []));
      Object.assign(this, result.data);
      // Marked by the schema it was validated with.
      if (marker === undefined) marker = markerFor(schema);
      markInstance(this, marker, data, result.data);
    }

    static validate<T>(this: new (data: never) => T, data: unknown): T {
      return new this(data as never);
    }
  };
  Object.defineProperty(base, 'name', { value: name });
  return base as unknown as ModelClass<S>;
}
