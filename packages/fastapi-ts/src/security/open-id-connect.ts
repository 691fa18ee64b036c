/**
 * OpenID Connect (FastAPI's `fastapi/security/open_id_connect_url.py`): the
 * scheme points OpenAPI clients at the provider's discovery document; the
 * dependency gives the `Authorization` header value to verify.
 */
import type { Request } from 'starlette-ts';
import type { HTTPException } from '../exceptions';
import { compact, notAuthenticated, SecurityBase, type Credential, type SecurityBaseOptions } from './base';

/** Options of `OpenIdConnect`. */
export interface OpenIdConnectOptions<AutoError extends boolean = true> extends SecurityBaseOptions<AutoError> {
  /** The OpenID Connect discovery URL (`.../.well-known/openid-configuration`). */
  openIdConnectUrl: string;
}

/**
 * OpenID Connect authentication: gives the whole `Authorization` header value.
 *
 * @example
 * const oidc = new OpenIdConnect({ openIdConnectUrl: 'https://issuer.example/.well-known/openid-configuration' });
 */
export class OpenIdConnect<AutoError extends boolean = true> extends SecurityBase<AutoError> {
  /** The OpenAPI Security Scheme Object: `{ type: 'openIdConnect', openIdConnectUrl, description? }`. */
  readonly model: Record<string, unknown>;

  constructor(options: OpenIdConnectOptions<AutoError>) {
    super(options);
    this.model = compact({ type: 'openIdConnect', description: options.description, openIdConnectUrl: options.openIdConnectUrl });
  }

  /** 401 "Not authenticated" with the `Bearer` challenge (OpenID Connect uses bearer tokens). */
  makeNotAuthenticatedError(): HTTPException {
    return notAuthenticated('Bearer');
  }

  /** The `Authorization` header value, as sent. */
  __call__(request: Request): Credential<AutoError, string> {
    const authorization = request.headers.get('authorization');
    if (!authorization) {
      if (this.autoError) throw this.makeNotAuthenticatedError();
      return undefined as Credential<AutoError, string>;
    }
    return authorization;
  }
}
