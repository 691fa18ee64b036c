/**
 * Reads what OpenAPI needs out of a dependency graph, as FastAPI's
 * `_get_openapi_dependency_data` and `get_flat_dependant`: every parameter of
 * the handler and of its sub-dependencies (each dependency counted once),
 * the request body fields, and the security requirements with their scopes.
 */
import type { z } from 'zod';
import type { Dependant, ParamField, SecurityRequirement } from '../../dependencies/models';
import { acceptsUndefined } from '../../internal/zod-walk';

/** The flattened view of one route's dependency tree. */
export interface DependencyData {
  pathParams: ParamField[];
  queryParams: ParamField[];
  headerParams: ParamField[];
  cookieParams: ParamField[];
  bodyParams: ParamField[];
  /** Scheme name -> the scheme and the union of the scopes the tree asks for, in first-seen order. */
  security: Map<string, { scheme: Record<string, unknown>; scopes: string[] }>;
}

/**
 * The key FastAPI dedupes dependants with (`Dependant.cache_key`): the callable, plus its
 * accumulated OAuth2 scopes when it uses them, so a scheme reached once without and once
 * with scopes is visited both times.
 */
function cacheKey(dependant: Dependant & { usesScopes?: boolean }, fallback: object): unknown[] {
  const scopes = dependant.usesScopes ? [...new Set(dependant.oauthScopes ?? [])].sort() : [];
  return [dependant.call ?? fallback, scopes.join(' ')];
}

/** Walks the tree depth first, in declaration order, visiting each distinct dependency once. */
export function getDependencyData(root: Dependant): DependencyData {
  const data: DependencyData = {
    pathParams: [],
    queryParams: [],
    headerParams: [],
    cookieParams: [],
    bodyParams: [],
    security: new Map(),
  };
  const visited: unknown[][] = [];
  const stack: Dependant[] = [root];
  while (stack.length > 0) {
    const current = stack.pop()!;
    const key = cacheKey(current, current);
    if (visited.some((seen) => seen[0] === key[0] && seen[1] === key[1])) continue;
    visited.push(key);
    data.pathParams.push(...current.pathParams.flatMap(flattenModelParam));
    data.queryParams.push(...current.queryParams.flatMap(flattenModelParam));
    data.headerParams.push(...current.headerParams.flatMap(flattenModelParam));
    data.cookieParams.push(...current.cookieParams.flatMap(flattenModelParam));
    data.bodyParams.push(...current.bodyParams);
    for (const requirement of current.securityRequirements) addSecurity(data, requirement);
    for (let i = current.dependencies.length - 1; i >= 0; i--) stack.push(current.dependencies[i]);
  }
  return data;
}

function addSecurity(data: DependencyData, requirement: SecurityRequirement): void {
  let entry = data.security.get(requirement.schemeName);
  if (!entry) {
    entry = { scheme: requirement.scheme, scopes: [] };
    data.security.set(requirement.schemeName, entry);
  }
  for (const scope of requirement.scopes) if (!entry.scopes.includes(scope)) entry.scopes.push(scope);
}

type ShapeDef = { type: string; shape?: Record<string, z.ZodType>; in?: z.ZodType };

/**
 * A query/header/cookie parameter declared with an object schema (FastAPI's
 * "query parameter models") stands for one parameter per field.
 */
export function flattenModelParam(param: ParamField): ParamField[] {
  let def = (param.schema as unknown as { _zod: { def: ShapeDef } })._zod.def;
  if (def.type === 'pipe' && def.in) def = (def.in as unknown as { _zod: { def: ShapeDef } })._zod.def;
  if (def.type !== 'object' || !def.shape || param.location === 'body') return [param];
  return Object.entries(def.shape).map(([key, schema]) => {
    const optional = acceptsUndefined(schema);
    return {
      location: param.location,
      name: key,
      alias: param.location === 'header' ? key.replace(/_/g, '-') : key,
      schema,
      required: !optional,
      includeInSchema: param.includeInSchema,
      ...(param.deprecated ? { deprecated: true } : {}),
    };
  });
}

/** True when several body fields must be wrapped in one object (FastAPI's `_should_embed_body_fields`). */
export function shouldEmbedBody(fields: ParamField[], isModel: (schema: z.ZodType) => boolean): boolean {
  if (fields.length === 0) return false;
  if (new Set(fields.map((f) => f.name)).size > 1) return true;
  const first = fields[0];
  if (first.embed) return true;
  if (first.location === 'file') return true;
  if (first.location === 'form' && !isModel(first.schema)) return true;
  return false;
}
