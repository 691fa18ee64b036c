/**
 * The dependency graph, as FastAPI's `fastapi/dependencies/models.py`: every
 * route compiles, once at start-up, into a tree of `Dependant`s. The request
 * path runs a plan built from this tree; OpenAPI generation reads the same tree.
 */
import type { z } from 'zod';

/** Where a parameter comes from. */
export type ParamLocation = 'path' | 'query' | 'header' | 'cookie' | 'body' | 'form' | 'file';

/** One declared parameter (FastAPI's `ModelField` + `FieldInfo` in one). */
export interface ParamField {
  location: ParamLocation;
  /** The key the value is handed to the handler/dependency under (the "Python name"). */
  name: string;
  /** The key on the wire: the alias, else the name (headers: underscores to hyphens unless `convertUnderscores: false`). */
  alias: string;
  /** The schema the raw value is validated with (coercion for path/query/header/cookie strings included). */
  schema: z.ZodType;
  /** True when absent input is a `missing` error (no default, not optional). */
  required: boolean;
  title?: string;
  description?: string;
  examples?: unknown[];
  deprecated?: boolean;
  /** `false` hides the parameter from OpenAPI (it is still validated). */
  includeInSchema: boolean;
  /** Body only: keep the body under its name even when it is the only body parameter. */
  embed?: boolean;
  /** Body/form/file only: the request media type for OpenAPI. */
  mediaType?: string;
}

/** A security scheme requirement of a dependant (filled by the security utilities). */
export interface SecurityRequirement {
  /** The scheme's name in `components.securitySchemes`. */
  schemeName: string;
  /** The OpenAPI Security Scheme Object. */
  scheme: Record<string, unknown>;
  scopes: string[];
}

/**
 * A node of the dependency graph: a handler, or a dependency of it.
 * `dependencies` are its sub-dependencies, in declaration order.
 */
export interface Dependant {
  /** The function to call (a handler, a dependency function, a class, a callable instance's call). */
  call?: (...args: never[]) => unknown;
  /** A readable name for errors and logs (function or class name). */
  name: string;
  pathParams: ParamField[];
  queryParams: ParamField[];
  headerParams: ParamField[];
  cookieParams: ParamField[];
  /** Body, form and file parameters. */
  bodyParams: ParamField[];
  dependencies: Dependant[];
  securityRequirements: SecurityRequirement[];
  /** Cache the value per request (FastAPI's `use_cache`, default true). */
  useCache: boolean;
  /** For generator dependencies: cleanup after the response (`request`) or before it (`function`). */
  scope: 'request' | 'function';
  /** The OAuth2 scopes of this node: its parents' then its own (`Security(dep, { scopes })`), without repeats. */
  oauthScopes?: string[];
}

// --- Security schemes (filled in by `src/security/**`) ---

/** The key under which a security scheme instance (`OAuth2PasswordBearer`, `HTTPBasic`, ...) exposes its OpenAPI scheme. */
export const SECURITY_SCHEME = Symbol.for('fastapi-ts.securityScheme');

/** A dependency that is a security scheme: its dependant gets a `SecurityRequirement`. */
export interface SecuritySchemeProvider {
  readonly [SECURITY_SCHEME]: { readonly schemeName: string; readonly scheme: Record<string, unknown> };
}

/** True when `value` is a security scheme instance. */
export function isSecuritySchemeProvider(value: unknown): value is SecuritySchemeProvider {
  return value !== null && typeof value === 'object' && SECURITY_SCHEME in value;
}
