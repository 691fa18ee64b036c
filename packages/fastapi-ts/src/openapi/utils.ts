/**
 * `getOpenapi()`: the OpenAPI 3.1 document of a set of routes, as FastAPI's
 * `fastapi/openapi/utils.py` `get_openapi`. It reads each route's dependency
 * graph (the same one the request path runs), so the document always
 * matches what the app validates.
 */
import type { z } from 'zod';
import type { Dependant, ParamField } from '../dependencies/models';
import { DeclarationError } from '../errors';
import type {
  Contact,
  ExternalDocumentation,
  JsonSchema,
  License,
  OpenAPIObject,
  Operation,
  Parameter,
  PathItem,
  RequestBody,
  Response,
  SecurityScheme,
  Server,
  Tag,
} from './models';
import { REF_PREFIX, SchemaGenerator, type SchemaSource } from './schemas';
import { getDependencyData, shouldEmbedBody, type DependencyData } from './internal/dependant';
import { isPlainObject, titleCase } from './internal/json-schema';
import {
  HTTP_VALIDATION_ERROR_DEFINITION,
  VALIDATION_ERROR_DEFINITION,
  deepUpdate,
  isBodyAllowedForStatus,
  responseClassInfo,
  statusText,
} from './internal/responses';

/** Methods whose operations may document a request body (FastAPI's `METHODS_WITH_BODY`). */
export const METHODS_WITH_BODY = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH']);

/** One entry of a route's `responses` option: an OpenAPI Response Object plus an optional `model`. */
export interface AdditionalResponse {
  description?: string;
  /** A zod schema or model class describing the JSON content (output mode). */
  model?: SchemaSource;
  [key: string]: unknown;
}

/** What `getOpenapi` reads from a route (fastapi-ts's `APIRoute` has all of it). */
export interface OpenAPIRoute {
  path: string;
  methods: Iterable<string>;
  name: string;
  endpoint?: unknown;
  dependant: Dependant;
  responseModel?: SchemaSource | null;
  statusCode?: number | null;
  tags?: string[];
  summary?: string | null;
  description?: string | null;
  responseDescription?: string;
  responses?: Record<string | number, AdditionalResponse>;
  deprecated?: boolean | null;
  operationId?: string | null;
  /** The generated operation id (FastAPI's `unique_id`); computed from name, path and method when absent. */
  uniqueId?: string;
  includeInSchema?: boolean;
  responseClass?: unknown;
  /** Merged last into each operation (FastAPI's `openapi_extra`). */
  openapiExtra?: Record<string, unknown> | null;
  /** Routes documented as this operation's callbacks (FastAPI's `callbacks`). */
  callbacks?: unknown[] | null;
}

/** Options of `getOpenapi`, as the keyword arguments of FastAPI's `get_openapi`. */
export interface GetOpenapiOptions {
  title: string;
  version: string;
  openapiVersion?: string;
  summary?: string | null;
  description?: string | null;
  /** The app's routes; anything that is not an API route (mounts, docs pages, static files) is skipped. */
  routes: readonly unknown[];
  webhooks?: readonly unknown[] | null;
  tags?: Tag[] | null;
  servers?: Server[] | null;
  termsOfService?: string | null;
  contact?: Contact | null;
  license?: License | null;
  externalDocs?: ExternalDocumentation | null;
  separateInputOutputSchemas?: boolean;
}

/** True for a route `getOpenapi` can document: a path, iterable methods and a dependant (WebSocket routes have no methods). */
export function isOpenAPIRoute(route: unknown): route is OpenAPIRoute {
  // Routes are ASGI objects, which starlette-ts makes callable: functions as well as objects.
  if ((typeof route !== 'object' && typeof route !== 'function') || route === null) return false;
  const r = route as Partial<OpenAPIRoute>;
  const methods = r.methods as unknown;
  return (
    typeof r.path === 'string' &&
    typeof methods === 'object' && methods !== null && Symbol.iterator in methods &&
    typeof r.dependant === 'object' && r.dependant !== null
  );
}

/** `/items/{item_id:int}` -> `/items/{item_id}` (FastAPI's `path_format`). */
export function pathFormat(path: string): string {
  return path.replace(/\{([^}:]+):[^}]*\}/g, '{$1}');
}

/** FastAPI's `generate_unique_id`: name + path + first method, non-word characters as `_`. */
export function generateUniqueId(route: Pick<OpenAPIRoute, 'name' | 'path' | 'methods'>): string {
  const [method = 'get'] = [...route.methods];
  return `${route.name}${pathFormat(route.path)}`.replace(/[^\p{L}\p{N}_]/gu, '_') + `_${method.toLowerCase()}`;
}

/**
 * Generates the OpenAPI document (a plain JSON object).
 *
 * @example
 * const doc = getOpenapi({ title: 'Inventory', version: '1.0.0', routes: app.routes });
 */
export function getOpenapi(options: GetOpenapiOptions): OpenAPIObject {
  const info: OpenAPIObject['info'] = { title: options.title, version: options.version };
  if (options.summary) info.summary = options.summary;
  if (options.description) info.description = options.description;
  if (options.termsOfService) info.termsOfService = options.termsOfService;
  if (options.contact) info.contact = options.contact;
  if (options.license) info.license = options.license;
  const output: OpenAPIObject = { openapi: options.openapiVersion ?? '3.1.0', info };
  if (options.servers && options.servers.length > 0) output.servers = options.servers;

  const builder = new DocumentBuilder(new SchemaGenerator({ separateInputOutputSchemas: options.separateInputOutputSchemas }));
  const paths = builder.addRoutes(options.routes);
  const webhooks = builder.addRoutes(options.webhooks ?? []);
  const definitions = { ...builder.schemas.finalize(), ...builder.definitions };

  const components: NonNullable<OpenAPIObject['components']> = {};
  if (Object.keys(definitions).length > 0) {
    components.schemas = Object.fromEntries(Object.keys(definitions).sort().map((k) => [k, definitions[k]]));
  }
  if (builder.securitySchemes.size > 0) components.securitySchemes = Object.fromEntries(builder.securitySchemes);
  if (Object.keys(components).length > 0) output.components = components;
  output.paths = paths;
  if (Object.keys(webhooks).length > 0) output.webhooks = webhooks;
  if (options.tags && options.tags.length > 0) output.tags = options.tags;
  if (options.externalDocs) output.externalDocs = options.externalDocs;
  // A plain JSON copy: drops `undefined`, detaches user objects (examples, extras) from the cache,
  // and writes BigInt values (defaults, examples) as numbers when exact, else as strings.
  const json = JSON.stringify(output, (_key, value: unknown) =>
    typeof value === 'bigint' ? (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()) : value,
  );
  return JSON.parse(json) as OpenAPIObject;
}

/** Walks routes into path items, collecting components on the way. */
class DocumentBuilder {
  readonly definitions: Record<string, JsonSchema> = {};
  readonly securitySchemes = new Map<string, SecurityScheme>();
  private readonly operationIds = new Set<string>();

  constructor(readonly schemas: SchemaGenerator) {}

  addRoutes(routes: readonly unknown[]): Record<string, PathItem> {
    const paths: Record<string, PathItem> = {};
    for (const route of routes) {
      if (!isOpenAPIRoute(route) || route.includeInSchema === false) continue;
      const item = this.pathItem(route);
      if (Object.keys(item).length > 0) Object.assign((paths[pathFormat(route.path)] ??= {}), item);
    }
    return paths;
  }

  private pathItem(route: OpenAPIRoute): PathItem {
    const item: Record<string, Operation> = {};
    const data = getDependencyData(route.dependant);
    const uniqueId = route.uniqueId ?? generateUniqueId(route);
    const hasParams = data.pathParams.length + data.queryParams.length + data.headerParams.length + data.cookieParams.length > 0;
    const bodyFields = dedupeByName(data.bodyParams.filter((p) => p.includeInSchema !== false));
    for (const method of route.methods) {
      const upper = method.toUpperCase();
      const operation = this.metadata(route, uniqueId);
      if (data.security.size > 0) {
        operation.security = [];
        for (const [name, { scheme, scopes }] of data.security) {
          this.securitySchemes.set(name, scheme as unknown as SecurityScheme);
          operation.security.push({ [name]: [...scopes] });
        }
      }
      const parameters = this.parameters(data);
      if (parameters.length > 0) operation.parameters = parameters;
      if (METHODS_WITH_BODY.has(upper)) {
        const requestBody = this.requestBody(bodyFields, uniqueId);
        if (requestBody) operation.requestBody = requestBody;
      }
      if (Array.isArray(route.callbacks) && route.callbacks.length > 0) {
        const callbacks: Record<string, Record<string, PathItem>> = {};
        for (const callback of route.callbacks) {
          if (!isOpenAPIRoute(callback)) continue;
          callbacks[callback.name] = { [pathFormat(callback.path)]: this.pathItem(callback) };
        }
        operation.callbacks = callbacks;
      }
      operation.responses = this.responses(route, uniqueId);
      const responses = operation.responses;
      if ((hasParams || bodyFields.length > 0) && !('422' in responses || '4XX' in responses || 'default' in responses)) {
        responses['422'] = {
          description: 'Validation Error',
          content: { 'application/json': { schema: { $ref: `${REF_PREFIX}HTTPValidationError` } } },
        };
        this.definitions.ValidationError = structuredClone(VALIDATION_ERROR_DEFINITION);
        this.definitions.HTTPValidationError = structuredClone(HTTP_VALIDATION_ERROR_DEFINITION);
      }
      if (route.openapiExtra) deepUpdate(operation as Record<string, unknown>, route.openapiExtra);
      item[method.toLowerCase()] = operation;
    }
    return item as PathItem;
  }

  private metadata(route: OpenAPIRoute, uniqueId: string): Operation {
    const operation: Operation = {};
    if (route.tags && route.tags.length > 0) operation.tags = [...route.tags];
    operation.summary = route.summary || titleCase(route.name);
    if (route.description) operation.description = route.description;
    const operationId = route.operationId || uniqueId;
    if (this.operationIds.has(operationId)) {
      process.emitWarning(`Duplicate Operation ID ${operationId} for function ${route.name}`, 'DuplicateOperationIdWarning');
    }
    this.operationIds.add(operationId);
    operation.operationId = operationId;
    if (route.deprecated) operation.deprecated = true;
    return operation;
  }

  private parameters(data: DependencyData): Parameter[] {
    const groups: Array<[Parameter['in'], ParamField[]]> = [
      ['path', data.pathParams],
      ['query', data.queryParams],
      ['header', data.headerParams],
      ['cookie', data.cookieParams],
    ];
    const all = new Map<string, Parameter>();
    const required = new Map<string, Parameter>();
    for (const [location, fields] of groups) {
      for (const field of fields) {
        if (field.includeInSchema === false) continue;
        const parameter: Parameter = {
          name: field.alias,
          in: location,
          required: location === 'path' ? true : field.required,
          schema: this.fieldSchema(field),
        };
        if (field.description) parameter.description = field.description;
        const openapiExamples = (field as ParamField & { openapiExamples?: Record<string, unknown> }).openapiExamples;
        if (openapiExamples) parameter.examples = structuredClone(openapiExamples) as Parameter['examples'];
        if (field.deprecated) parameter.deprecated = true;
        const key = `${location}\u0000${parameter.name}`;
        all.set(key, parameter);
        if (parameter.required) required.set(key, parameter);
      }
    }
    // A required declaration of the same parameter wins over an optional one (FastAPI does the same).
    for (const [key, parameter] of required) all.set(key, parameter);
    return [...all.values()];
  }

  /** A parameter's or body field's schema: input mode, with FastAPI's field-level title, description and examples. */
  private fieldSchema(field: ParamField): JsonSchema {
    let schema = this.schemas.generate(field.schema, 'input');
    if (field.location === 'file') schema = binarySchema(schema);
    if (typeof schema.$ref !== 'string') {
      schema.title = field.title ?? titleCase(field.alias);
    }
    if (field.description) schema.description = field.description;
    if (field.deprecated) schema.deprecated = true;
    if (field.examples && field.examples.length > 0) schema.examples = structuredClone(field.examples);
    return schema;
  }

  private requestBody(fields: ParamField[], uniqueId: string): RequestBody | undefined {
    if (fields.length === 0) return undefined;
    const isModel = (schema: z.ZodType): boolean => objectLike(schema);
    let schema: JsonSchema;
    let required: boolean;
    let mediaType: string;
    if (!shouldEmbedBody(fields, isModel)) {
      const field = fields[0];
      schema = this.fieldSchema(field);
      required = field.required;
      mediaType = field.mediaType ?? defaultMediaType(field.location);
    } else {
      const name = `Body_${uniqueId}`;
      const properties: Record<string, JsonSchema> = {};
      const requiredKeys: string[] = [];
      for (const field of fields) {
        properties[field.alias] = this.fieldSchema(field);
        if (field.required) requiredKeys.push(field.alias);
      }
      const model: JsonSchema = { properties, title: name, type: 'object' };
      if (requiredKeys.length > 0) model.required = requiredKeys;
      this.definitions[name] = model;
      schema = { $ref: `${REF_PREFIX}${name}` };
      required = requiredKeys.length > 0;
      const file = fields.find((f) => f.location === 'file');
      const form = fields.find((f) => f.location === 'form');
      const bodyTypes = new Set(fields.filter((f) => f.location === 'body').map((f) => f.mediaType ?? 'application/json'));
      if (file) mediaType = file.mediaType ?? 'multipart/form-data';
      else if (form) mediaType = form.mediaType ?? 'application/x-www-form-urlencoded';
      else mediaType = bodyTypes.size === 1 ? [...bodyTypes][0] : 'application/json';
    }
    const body: RequestBody = { content: { [mediaType]: { schema } } };
    const openapiExamples = (fields[0] as ParamField & { openapiExamples?: Record<string, unknown> }).openapiExamples;
    if (fields.length === 1 && openapiExamples) {
      body.content[mediaType].examples = structuredClone(openapiExamples) as RequestBody['content'][string]['examples'];
    }
    if (required) body.required = true;
    return body;
  }

  private responses(route: OpenAPIRoute, uniqueId: string): Record<string, Response> {
    const responses: Record<string, Response> = {};
    const cls = responseClassInfo(route.responseClass);
    const status = String(route.statusCode ?? cls.defaultStatus);
    const main: Response = { description: route.responseDescription ?? 'Successful Response' };
    responses[status] = main;
    if (isBodyAllowedForStatus(route.statusCode ?? cls.defaultStatus) && cls.mediaType !== null) {
      let schema: JsonSchema = { type: 'string' };
      if (cls.isJson) {
        schema = route.responseModel ? this.responseSchema(route.responseModel, `Response_${uniqueId}`) : {};
      }
      main.content = { [cls.mediaType]: { schema } };
    }
    for (const [code, additional] of Object.entries(route.responses ?? {})) {
      if (!isPlainObject(additional)) {
        throw new DeclarationError(
          `${route.name}: the additional response for status ${code} must be an object (an OpenAPI Response Object, optionally with "model"), got ${typeof additional}`,
        );
      }
      const { model, ...rest } = additional;
      const copy = structuredClone(rest) as Record<string, unknown>;
      let key = code.toUpperCase();
      if (key === 'DEFAULT') key = 'default';
      const existing = (responses[key] ??= {} as Response) as unknown as Record<string, unknown>;
      if (model) {
        const modelSchema = this.responseSchema(model, `Response_${code}_${uniqueId}`);
        const content = ((copy.content ??= {}) as Record<string, Record<string, unknown>>);
        const media = (content[cls.mediaType ?? 'application/json'] ??= {});
        // The model's schema wins over keys the option spells out; the option's other keys stay.
        const given = media.schema;
        media.schema = modelSchema;
        if (isPlainObject(given)) {
          for (const [k, v] of Object.entries(given)) if (!(k in modelSchema)) modelSchema[k] = v;
        }
      }
      const description = (rest.description as string | undefined) || (existing.description as string | undefined) ||
        statusText(code) || 'Additional Response';
      deepUpdate(existing, copy);
      existing.description = description;
    }
    return responses;
  }

  private responseSchema(source: SchemaSource, title: string): JsonSchema {
    const schema = this.schemas.generate(source, 'output');
    if (typeof schema.$ref !== 'string') schema.title = titleCase(title);
    return schema;
  }
}

function dedupeByName(fields: ParamField[]): ParamField[] {
  const seen = new Set<string>();
  return fields.filter((f) => (seen.has(f.name) ? false : (seen.add(f.name), true)));
}

function defaultMediaType(location: ParamField['location']): string {
  if (location === 'file') return 'multipart/form-data';
  if (location === 'form') return 'application/x-www-form-urlencoded';
  return 'application/json';
}

function objectLike(schema: z.ZodType): boolean {
  let def = (schema as unknown as { _zod: { def: { type: string; in?: z.ZodType } } })._zod.def;
  if (def.type === 'pipe' && def.in) def = (def.in as unknown as { _zod: { def: { type: string } } })._zod.def;
  return def.type === 'object';
}

const BINARY: JsonSchema = { type: 'string', contentMediaType: 'application/octet-stream' };

/** A file field whose zod schema says nothing JSON can carry (an upload class) is a binary string (or a list of them). */
function binarySchema(schema: JsonSchema): JsonSchema {
  if (schema.type === 'array') {
    return { ...schema, items: isPlainObject(schema.items) ? binarySchema(schema.items) : { ...BINARY } };
  }
  if (Array.isArray(schema.anyOf)) {
    return { ...schema, anyOf: schema.anyOf.map((branch) => (branch.type === 'null' ? branch : binarySchema(branch))) };
  }
  if (schema.type === undefined && schema.$ref === undefined) return { ...schema, ...BINARY };
  return schema;
}
