/**
 * JSON Schema for OpenAPI from zod v4's own `z.toJSONSchema`, with named
 * models moved to `components/schemas` and `$ref`ed, as FastAPI does with
 * pydantic: input ("validation") mode for parameters and request bodies,
 * output ("serialization") mode for responses, and `Name-Input` /
 * `Name-Output` components only for a model used in both modes whose two
 * schemas differ (directly or through a nested model that differs).
 */
import { z } from 'zod';
import { FastAPIError } from '../errors';
import type { JsonSchema } from './models';
import { isPlainObject, jsonEqual, normalizeNode, walkSchema } from './internal/json-schema';

/** The prefix of every component schema reference. */
export const REF_PREFIX = '#/components/schemas/';

/** Which side of a schema to describe: what a client sends, or what the server returns. */
export type SchemaMode = 'input' | 'output';

/** The static side of a model class as far as OpenAPI cares (`Model(name, shape)` classes fit). */
export interface NamedModel {
  readonly modelName: string;
  readonly schema: z.ZodType;
}

/** What can be turned into a JSON Schema: a zod schema or a model class. */
export type SchemaSource = z.ZodType | NamedModel;

const schemaNames = new WeakMap<z.ZodType, string>();

/**
 * Names a zod schema so that OpenAPI emits it once under
 * `components/schemas/<name>` and `$ref`s it everywhere it is used
 * (`Model()` calls this for its classes). A schema with an `id` in zod's
 * global registry (`.meta({ id })`) is named the same way.
 */
export function registerSchemaName(schema: z.ZodType, name: string): void {
  schemaNames.set(schema, name);
}

/** True for a model class (a function with a static `modelName` and zod `schema`). */
export function isNamedModel(value: unknown): value is NamedModel {
  return (
    typeof value === 'function' &&
    typeof (value as Partial<NamedModel>).modelName === 'string' &&
    (value as Partial<NamedModel>).schema instanceof z.ZodType
  );
}

/** The zod schema behind a source, registering a model class's name on the way. */
export function zodSchemaOf(source: SchemaSource): z.ZodType {
  if (isNamedModel(source)) {
    if (!schemaNames.has(source.schema)) schemaNames.set(source.schema, source.modelName);
    return source.schema;
  }
  return source;
}

interface ModelEntry {
  name: string;
  defs: Partial<Record<SchemaMode, JsonSchema>>;
}

interface RefSite {
  node: JsonSchema;
  id: string;
  mode: SchemaMode;
}

type ZodDef = { type: string; catchall?: z.ZodType };

const ID_PREFIX = '__fastapi_ts_';
const DEFS_PREFIX = '#/$defs/';

/**
 * Builds the JSON Schemas of one OpenAPI document. Call `generate` for every
 * use site, then `finalize` once: it decides the component names, rewrites
 * every `$ref` already handed out, and returns `components/schemas`.
 *
 * @example
 * const gen = new SchemaGenerator();
 * const body = gen.generate(Item, 'input');      // { $ref: '#/components/schemas/Item' } after finalize
 * const schemas = gen.finalize();                // { Item: { title: 'Item', type: 'object', ... } }
 */
export class SchemaGenerator {
  private readonly separate: boolean;
  private readonly ids = new Map<z.ZodType, string>();
  private readonly models = new Map<string, ModelEntry>();
  private readonly refSites: RefSite[] = [];
  private readonly anonymous = new Map<string, JsonSchema>();
  private finalized = false;

  /** `separateInputOutputSchemas: false` describes everything in input mode, as FastAPI's option. */
  constructor(options: { separateInputOutputSchemas?: boolean } = {}) {
    this.separate = options.separateInputOutputSchemas ?? true;
  }

  /** The JSON Schema of one use site; named models inside it become `$ref`s. */
  generate(source: SchemaSource, mode: SchemaMode): JsonSchema {
    if (this.finalized) {
      throw new FastAPIError('SchemaGenerator.generate() called after finalize(): use a new generator per document', 'openapi_generator_finalized');
    }
    const effectiveMode: SchemaMode = this.separate ? mode : 'input';
    const schema = zodSchemaOf(source);
    const result = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io: effectiveMode,
      unrepresentable: 'any',
      cycles: 'ref',
      reused: 'inline',
      metadata: this.metadataView(),
      override: (ctx) => overrideNode(ctx.zodSchema as unknown as z.ZodType, ctx.jsonSchema as JsonSchema, effectiveMode),
    }) as JsonSchema;
    walkSchema(result, normalizeNode);
    let root = result;
    let selfRef = false;
    walkSchema(root, (node) => {
      if (node.$ref === '#') selfRef = true;
    });
    const defs = isPlainObject(result.$defs) ? (result.$defs as Record<string, JsonSchema>) : {};
    delete result.$defs;
    // Anonymous recursive schemas (z.lazy / getters without a name) get a name of their own.
    const renamed = new Map<string, string>();
    for (const [key, def] of Object.entries(defs)) {
      if (!key.startsWith(ID_PREFIX)) renamed.set(key, this.nameAnonymous(def));
    }
    const collect = (node: JsonSchema): void => this.collectRefs(node, effectiveMode, renamed);
    if (selfRef) {
      // An anonymous schema that contains itself: zod refers to it as "#", which in
      // an OpenAPI document would mean the document. It becomes a component.
      const name = this.nameAnonymous(root);
      walkSchema(root, (node) => {
        if (node.$ref === '#') node.$ref = REF_PREFIX + name;
      });
      if (!this.anonymous.has(name)) {
        walkSchema(root, collect);
        this.anonymous.set(name, root);
      }
      root = { $ref: REF_PREFIX + name };
    } else {
      walkSchema(root, collect);
    }
    for (const [key, def] of Object.entries(defs)) {
      if (!key.startsWith(ID_PREFIX)) {
        const name = renamed.get(key)!;
        if (!this.anonymous.has(name)) {
          walkSchema(def, collect);
          this.anonymous.set(name, def);
        }
        continue;
      }
      const entry = this.models.get(key)!;
      if (entry.defs[effectiveMode]) continue;
      walkSchema(def, collect);
      if (def.title === undefined) def.title = entry.name;
      entry.defs[effectiveMode] = def;
    }
    return root;
  }

  /** Decides component names, rewrites the `$ref`s handed out so far, and returns `components/schemas`. */
  finalize(): Record<string, JsonSchema> {
    this.finalized = true;
    const split = this.splitModels();
    const names = this.componentNames();
    const finalName = (id: string, mode: SchemaMode): string => {
      const base = names.get(id)!;
      return split.has(id) ? `${base}-${mode === 'input' ? 'Input' : 'Output'}` : base;
    };
    for (const site of this.refSites) site.node.$ref = REF_PREFIX + finalName(site.id, site.mode);
    const components: Record<string, JsonSchema> = {};
    for (const [id, entry] of this.models) {
      for (const mode of ['input', 'output'] as const) {
        const def = entry.defs[mode];
        if (def && !(finalName(id, mode) in components)) components[finalName(id, mode)] = def;
      }
    }
    for (const [name, def] of this.anonymous) components[name] = def;
    return components;
  }

  /** A view of zod's global registry that also gives every named model an internal `id` for `$defs`. */
  private metadataView(): z.core.$ZodRegistry<z.core.GlobalMeta> {
    const internalId = (schema: z.ZodType, name: string): string => this.internalId(schema, name);
    return new (class extends z.core.$ZodRegistry<z.core.GlobalMeta> {
      override get<S extends z.core.$ZodType>(schema: S): z.core.GlobalMeta | undefined {
        const meta = z.globalRegistry.get(schema);
        const name = schemaNames.get(schema as unknown as z.ZodType) ?? (typeof meta?.id === 'string' ? meta.id : undefined);
        if (name === undefined) return meta;
        return { ...meta, id: internalId(schema as unknown as z.ZodType, name) };
      }
    })();
  }

  private internalId(schema: z.ZodType, name: string): string {
    let id = this.ids.get(schema);
    if (id === undefined) {
      id = `${ID_PREFIX}${this.ids.size}`;
      this.ids.set(schema, id);
      this.models.set(id, { name, defs: {} });
    }
    return id;
  }

  private collectRefs(node: JsonSchema, mode: SchemaMode, renamed: Map<string, string>): void {
    if (typeof node.$ref !== 'string' || !node.$ref.startsWith(DEFS_PREFIX)) return;
    const key = node.$ref.slice(DEFS_PREFIX.length);
    if (key.startsWith(ID_PREFIX)) this.refSites.push({ node, id: key, mode });
    else node.$ref = REF_PREFIX + (renamed.get(key) ?? key);
  }

  private nameAnonymous(def: JsonSchema): string {
    for (const [name, existing] of this.anonymous) if (jsonEqual(existing, def)) return name;
    const base = typeof def.title === 'string' ? sanitizeName(def.title) : 'Schema';
    let name = base;
    for (let n = 2; this.anonymous.has(name) || [...this.models.values()].some((m) => m.name === name); n++) {
      name = `${base}${n}`;
    }
    return name;
  }

  /** The models whose input and output schemas differ, themselves or through a model they reference. */
  private splitModels(): Set<string> {
    const split = new Set<string>();
    if (!this.separate) return split;
    const refsOf = new Map<string, Set<string>>();
    for (const [id, entry] of this.models) {
      const refs = new Set<string>();
      for (const def of Object.values(entry.defs)) {
        if (def) walkSchema(def, (node) => {
          if (typeof node.$ref === 'string' && node.$ref.startsWith(DEFS_PREFIX + ID_PREFIX)) refs.add(node.$ref.slice(DEFS_PREFIX.length));
        });
      }
      refsOf.set(id, refs);
      if (entry.defs.input && entry.defs.output && !jsonEqual(entry.defs.input, entry.defs.output)) split.add(id);
    }
    for (let changed = true; changed; ) {
      changed = false;
      for (const [id, entry] of this.models) {
        if (split.has(id) || !entry.defs.input || !entry.defs.output) continue;
        if ([...refsOf.get(id)!].some((ref) => split.has(ref))) {
          split.add(id);
          changed = true;
        }
      }
    }
    return split;
  }

  /** Component names: the model name, made unique when two different schemas share it. */
  private componentNames(): Map<string, string> {
    const names = new Map<string, string>();
    const taken = new Set(this.anonymous.keys());
    for (const [id, entry] of this.models) {
      const base = sanitizeName(entry.name);
      let name = base;
      for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
      taken.add(name);
      names.set(id, name);
    }
    return names;
  }
}

/** Component keys must match `^[a-zA-Z0-9._-]+$` (OpenAPI 3.1, Components Object). */
function sanitizeName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9._-]/g, '_');
  return cleaned === '' ? 'Schema' : cleaned;
}

/** Fixes what zod cannot or does not say the way pydantic says it. */
function overrideNode(schema: z.ZodType, json: JsonSchema, mode: SchemaMode): void {
  const def = (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
  switch (def.type) {
    case 'object':
      // Plain z.object() strips unknown keys (pydantic's extra='ignore'): no `additionalProperties` either way.
      if (def.catchall === undefined && mode === 'output' && json.additionalProperties === false) {
        delete json.additionalProperties;
      }
      break;
    case 'date':
      // Dates travel as ISO 8601 strings (the JSON encoder writes them so).
      json.type = 'string';
      json.format = 'date-time';
      break;
    case 'readonly':
      // `.readonly()` freezes the parsed value; it does not mean OpenAPI's "sent by the server only".
      if (json.readOnly === true) delete json.readOnly;
      break;
    case 'bigint':
      json.type = 'integer';
      json.format = 'int64';
      break;
    case 'file':
      // FastAPI's (pydantic v2) spelling of an uploaded file in OpenAPI 3.1.
      for (const key of Object.keys(json)) delete json[key];
      json.type = 'string';
      json.contentMediaType = 'application/octet-stream';
      break;
    default:
      break;
  }
}
