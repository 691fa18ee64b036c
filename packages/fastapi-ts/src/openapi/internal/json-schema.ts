/**
 * Private helpers for OpenAPI JSON Schema output: pydantic-style titles and
 * the normalisation that makes zod's `z.toJSONSchema` output read like what
 * FastAPI (pydantic v2) emits.
 */
import type { JsonSchema } from '../models';

/** Keywords whose value is a single subschema. */
const SINGLE_SUBSCHEMA = [
  'items',
  'additionalProperties',
  'propertyNames',
  'not',
  'contains',
  'if',
  'then',
  'else',
  'unevaluatedProperties',
  'unevaluatedItems',
  'contentSchema',
] as const;
/** Keywords whose value is an array of subschemas. */
const ARRAY_SUBSCHEMA = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const;
/** Keywords whose value maps names to subschemas. */
const MAP_SUBSCHEMA = ['properties', 'patternProperties', '$defs', 'dependentSchemas'] as const;

/** Keywords that describe a schema rather than constrain a type: they stay on the outer schema of a split union. */
const ANNOTATIONS = new Set([
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$comment',
  '$ref',
]);

/**
 * Python's `str.title()` applied after splitting camelCase words, so that
 * `read_item` and `readItem` both read "Read Item" and `x-token` "X-Token".
 */
export function titleCase(name: string): string {
  const spaced = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/_/g, ' ');
  let out = '';
  let previousCased = false;
  for (const ch of spaced) {
    const cased = ch.toLowerCase() !== ch.toUpperCase();
    out += cased ? (previousCased ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    previousCased = cased;
  }
  return out;
}

/** True for a plain JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Calls `visit` on every subschema of `schema` (not on `schema` itself), depth first, children before parents. */
export function forEachSubschema(schema: JsonSchema, visit: (node: JsonSchema) => void): void {
  for (const key of SINGLE_SUBSCHEMA) {
    const child = schema[key];
    if (isPlainObject(child)) walkSchema(child as JsonSchema, visit);
  }
  for (const key of ARRAY_SUBSCHEMA) {
    const children = schema[key];
    if (Array.isArray(children)) {
      for (const child of children) if (isPlainObject(child)) walkSchema(child as JsonSchema, visit);
    }
  }
  for (const key of MAP_SUBSCHEMA) {
    const map = schema[key];
    if (isPlainObject(map)) {
      for (const child of Object.values(map)) if (isPlainObject(child)) walkSchema(child as JsonSchema, visit);
    }
  }
}

/** Calls `visit` on `schema` and every subschema, children before parents. */
export function walkSchema(schema: JsonSchema, visit: (node: JsonSchema) => void): void {
  forEachSubschema(schema, visit);
  visit(schema);
}

/**
 * pydantic titles every field except one whose type is a model: a `$ref`
 * (descriptions may sit beside it) or an optional model (`anyOf` of a `$ref` and null).
 */
function isModelReference(schema: JsonSchema): boolean {
  if (typeof schema.$ref === 'string') return true;
  const branches = schema.anyOf;
  if (!Array.isArray(branches) || branches.length !== 2) return false;
  const nulls = branches.filter((b) => b.type === 'null' && Object.keys(b).length === 1).length;
  const refs = branches.filter((b) => typeof b.$ref === 'string' && Object.keys(b).length === 1).length;
  return nulls === 1 && refs === 1;
}

/**
 * Rewrites one node of zod's output in place into pydantic's spelling:
 * `type: [a, null]` becomes `anyOf`, zod's implicit safe-integer bounds go,
 * `default: null` goes (FastAPI serialises its document with `exclude_none`),
 * and object properties get their title ("item_id" -> "Item Id") unless they are a model.
 */
export function normalizeNode(node: JsonSchema): void {
  delete node.$schema;
  if (node.type === 'integer') {
    if (node.minimum === Number.MIN_SAFE_INTEGER) delete node.minimum;
    if (node.maximum === Number.MAX_SAFE_INTEGER) delete node.maximum;
  }
  if (Array.isArray(node.type)) splitTypeArray(node);
  if ('default' in node && node.default === null) delete node.default;
  if (isPlainObject(node.properties)) {
    for (const [key, property] of Object.entries(node.properties)) {
      if (isPlainObject(property) && !isModelReference(property) && property.title === undefined) {
        property.title = titleCase(key);
      }
    }
  }
}

/** `{"type": ["string", "null"], "minLength": 1}` -> `{"anyOf": [{"type": "string", "minLength": 1}, {"type": "null"}]}`. */
function splitTypeArray(node: JsonSchema): void {
  const types = node.type as string[];
  delete node.type;
  if (types.length === 1) {
    node.type = types[0];
    return;
  }
  const constraints: Record<string, unknown> = {};
  for (const key of Object.keys(node)) {
    if (!ANNOTATIONS.has(key) && key !== 'anyOf') {
      constraints[key] = node[key];
      delete node[key];
    }
  }
  const branches: JsonSchema[] = types.map((type) =>
    type === 'null' ? { type } : { type, ...structuredClone(constraints) },
  );
  if (Array.isArray(node.anyOf)) {
    // Both `type` and `anyOf` hold: keep both constraints.
    node.allOf = [{ anyOf: branches }, { anyOf: node.anyOf }];
    delete node.anyOf;
  } else {
    node.anyOf = branches;
  }
}

/** Deep structural equality of two JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => key in b && jsonEqual(a[key], b[key]));
  }
  return false;
}
