/**
 * API key schemes (FastAPI's `fastapi/security/api_key.py`): a key sent in a
 * header, a query parameter or a cookie. The dependency gives the key; what
 * it means (a lookup, a comparison) is up to the application.
 */
import type { Request } from 'starlette-ts';
import { compact, notAuthenticated, SecurityBase, type Credential, type SecurityBaseOptions } from './base';
import type { HTTPException } from '../exceptions';

/** Where an API key is sent (OpenAPI's `in`). */
export type APIKeyIn = 'header' | 'query' | 'cookie';

/** Options of the API key schemes. */
export interface APIKeyOptions<AutoError extends boolean = true> extends SecurityBaseOptions<AutoError> {
  /** The header, query parameter or cookie name. */
  name: string;
}

/** The base of the API key schemes: the OpenAPI `apiKey` object and the missing-key error. */
export abstract class APIKeyBase<AutoError extends boolean = true> extends SecurityBase<AutoError> {
  /** The OpenAPI Security Scheme Object: `{ type: 'apiKey', in, name, description? }`. */
  readonly model: Record<string, unknown>;

  protected constructor(location: APIKeyIn, options: APIKeyOptions<AutoError>) {
    super(options);
    this.model = compact({ type: 'apiKey', description: options.description, in: location, name: options.name });
  }

  /** The key's name. */
  get name(): string {
    return this.model.name as string;
  }

  /**
   * 401 "Not authenticated" with the challenge `APIKey`: API keys have no
   * standard challenge, but RFC 9110 §15.5.2 requires one on every 401.
   */
  makeNotAuthenticatedError(): HTTPException {
    return notAuthenticated('APIKey');
  }

  /** An empty or missing key is an error, or `undefined` with `autoError: false`. */
  protected checkApiKey(apiKey: string | null | undefined): Credential<AutoError, string> {
    if (!apiKey) {
      if (this.autoError) throw this.makeNotAuthenticatedError();
      return undefined as Credential<AutoError, string>;
    }
    return apiKey;
  }

  abstract override __call__(request: Request): Credential<AutoError, string>;
}

/**
 * An API key in a query parameter.
 *
 * @example
 * const queryScheme = new APIKeyQuery({ name: 'api_key' });
 * app.get('/items/', { params: { apiKey: Depends(queryScheme) } }, ({ apiKey }) => ({ api_key: apiKey }));
 */
export class APIKeyQuery<AutoError extends boolean = true> extends APIKeyBase<AutoError> {
  constructor(options: APIKeyOptions<AutoError>) {
    super('query', options);
  }

  /** The key from the query string. */
  __call__(request: Request): Credential<AutoError, string> {
    return this.checkApiKey(request.queryParams.get(this.name));
  }
}

/**
 * An API key in a header (the name is matched case-insensitively).
 *
 * @example
 * const headerScheme = new APIKeyHeader({ name: 'x-key' });
 */
export class APIKeyHeader<AutoError extends boolean = true> extends APIKeyBase<AutoError> {
  constructor(options: APIKeyOptions<AutoError>) {
    super('header', options);
  }

  /** The key from the header. */
  __call__(request: Request): Credential<AutoError, string> {
    return this.checkApiKey(request.headers.get(this.name.toLowerCase()));
  }
}

/**
 * An API key in a cookie.
 *
 * @example
 * const cookieScheme = new APIKeyCookie({ name: 'session' });
 */
export class APIKeyCookie<AutoError extends boolean = true> extends APIKeyBase<AutoError> {
  constructor(options: APIKeyOptions<AutoError>) {
    super('cookie', options);
  }

  /** The key from the cookie. */
  __call__(request: Request): Credential<AutoError, string> {
    const cookies = request.cookies;
    return this.checkApiKey(Object.hasOwn(cookies, this.name) ? cookies[this.name] : undefined);
  }
}
