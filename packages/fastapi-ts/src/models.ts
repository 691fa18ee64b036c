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

/** Marks the objects nested in `parsed`; `own` also records the set on `parsed` itself. Returns the set. */
type Marker = (raw: object, parsed: object, own: boolean) => Set<string> | undefined;

/** Compiled markers by schema: the schema walk happens once, not per request. */
const markers = new WeakMap<z.ZodType, Marker | null>();

function isContainer(schema: z.ZodType): boolean {
  const type = defOf(unwrap(schema)).type;
  return type === 'object' || type === 'array';
}

function compileMarker(schema: z.ZodType): Marker | null {
  const def = defOf(unwrap(schema));
  if (def.type === 'object' && def.shape) {
    const shape = def.shape;
    const keys = Object.keys(shape);
    // Only fields that can hold objects are walked further.
    const nested = keys.map((key) => (isContainer(shape[key]) ? shape[key] : null));
    return (raw, parsed, own) => {
      if (Array.isArray(raw)) return undefined;
      const set = new Set<string>();
      for (let i = 0; i < keys.length; i++) {
        const value = (raw as Record<string, unknown>)[keys[i]];
        if (value === undefined) continue;
        set.add(keys[i]);
        const child = nested[i];
        if (child !== null) mark(child, value, (parsed as Record<string, unknown>)[keys[i]], true);
      }
      if (own) recordFieldsSet(parsed, set);
      return set;
    };
  }
  if (def.type === 'array' && def.element) {
    const element = def.element;
    return (raw, parsed) => {
      if (!Array.isArray(raw) || !Array.isArray(parsed)) return undefined;
      for (let i = 0; i < parsed.length; i++) mark(element, raw[i], parsed[i], true);
      return undefined;
    };
  }
  return null;
}

/** True when `set` is exactly the keys of `target` holding a value: what {@link fieldsSet} reads off an unmarked object. */
function isEveryDefinedKey(target: object, set: Set<string>): boolean {
  let defined = 0;
  for (const key of Object.keys(target)) {
    if ((target as Record<string, unknown>)[key] === undefined) continue;
    if (!set.has(key)) return false;
    defined++;
  }
  return defined === set.size;
}

function recordFieldsSet(target: object, set: Set<string>): void {
  if (Object.prototype.hasOwnProperty.call(target, FIELDS_SET)) return;
  // Every field with a value was set (no default filled in): fieldsSet() derives the same set from the
  // object itself, and the property (a defineProperty, the costliest step of validating a body) is not needed.
  if (isEveryDefinedKey(target, set)) return;
  // Non-enumerable, so a spread or Object.assign copy does not carry a stale set along.
  Object.defineProperty(target, FIELDS_SET, { value: set, enumerable: false, configurable: true });
}

/**
 * Records which keys `raw` set on the objects nested in `parsed` (and, when `own`, on `parsed`
 * itself: pydantic's `model_fields_set`); returns the top-level set.
 */
function mark(schema: z.ZodType, raw: unknown, parsed: unknown, own: boolean): Set<string> | undefined {
  if (parsed === null || typeof parsed !== 'object' || raw === null || typeof raw !== 'object') return undefined;
  let marker = markers.get(schema);
  if (marker === undefined) markers.set(schema, (marker = compileMarker(schema)));
  return marker === null ? undefined : marker(raw, parsed, own);
}

/**
 * Builds an instance of `cls` from an already validated value without
 * validating again (the request path validates once, with all errors collected).
 */
export function instantiate<T>(cls: AnyModelClass, raw: unknown, parsed: Record<string, unknown>): T {
  const instance = Object.create(cls.prototype) as Record<string, unknown>;
  Object.assign(instance, parsed);
  // The set is recorded on the instance only: `parsed` itself is dropped.
  recordFieldsSet(instance, mark(cls.schema, raw, parsed, false) ?? new Set(Object.keys(parsed)));
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
      recordFieldsSet(this, mark(schema, data, result.data, false) ?? new Set(Object.keys(result.data)));
    }

    static validate<T>(this: new (data: never) => T, data: unknown): T {
      return new this(data as never);
    }
  };
  Object.defineProperty(base, 'name', { value: name });
  return base as unknown as ModelClass<S>;
}
