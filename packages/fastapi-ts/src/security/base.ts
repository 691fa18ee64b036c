/**
 * The base of every security scheme (FastAPI's `SecurityBase`): an object used
 * as a dependency (`Depends(scheme)` / `Security(scheme)`) through its
 * `__call__(request)`, which also describes itself to OpenAPI: the engine
 * reads `[SECURITY_SCHEME]` and records a security requirement for the route,
 * so the scheme appears in `components.securitySchemes`, in the operation's
 * `security`, and behind Swagger UI's Authorize button.
 */
import 'reflect-metadata';
import { Request } from 'starlette-ts';
import { SECURITY_SCHEME, type SecuritySchemeProvider } from '../dependencies/models';
import { HTTPException } from '../exceptions';

/** What a scheme returns: the credential, or `undefined` when `autoError` is `false` and none was sent. */
export type Credential<AutoError extends boolean, T> = AutoError extends false ? T | undefined : T;

/** Options every scheme takes. */
export interface SecurityBaseOptions<AutoError extends boolean = true> {
  /** The name in `components.securitySchemes` (default: the class name). FastAPI's `scheme_name`. */
  schemeName?: string;
  /** A description for OpenAPI. */
  description?: string;
  /**
   * `true` (default): missing credentials answer 401 at once. `false`: the
   * dependency gives `undefined` instead (FastAPI's `None`), for optional
   * authentication or several alternative schemes.
   */
  autoError?: AutoError;
}

/** The base class of the security schemes; subclasses set `model` and implement `__call__`. */
export abstract class SecurityBase<AutoError extends boolean = true> implements SecuritySchemeProvider {
  /** The OpenAPI Security Scheme Object (FastAPI's `model`, with `undefined` members left out). */
  abstract readonly model: Record<string, unknown>;
  /** The name in `components.securitySchemes`. */
  readonly schemeName: string;
  /** Whether missing credentials are an error (see {@link SecurityBaseOptions.autoError}). */
  readonly autoError: AutoError;

  protected constructor(options: SecurityBaseOptions<AutoError>) {
    this.schemeName = options.schemeName || new.target.name;
    this.autoError = (options.autoError ?? true) as AutoError;
  }

  /** What the dependency engine reads to add the scheme to OpenAPI. */
  get [SECURITY_SCHEME](): { schemeName: string; scheme: Record<string, unknown> } {
    return { schemeName: this.schemeName, scheme: this.model };
  }

  /** Reads and checks the credentials of a request. */
  abstract __call__(request: Request): unknown;
}

/** Declares that `cls.prototype.__call__` receives the `Request` (the engine injects it by type). */
export function callsWithRequest(cls: { prototype: object }): void {
  Reflect.defineMetadata('design:paramtypes', [Request], cls.prototype, '__call__');
}

/** An OpenAPI object without its `undefined` members (pydantic's `exclude_none`). */
export function compact(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

/** The 401 of a missing or unusable credential (RFC 9110 §15.5.2: a 401 carries a `WWW-Authenticate` challenge). */
export function notAuthenticated(challenge: string): HTTPException {
  return new HTTPException(401, 'Not authenticated', { 'WWW-Authenticate': challenge });
}

// Every scheme's `__call__(request)` (subclasses inherit this through the prototype chain).
callsWithRequest(SecurityBase);
