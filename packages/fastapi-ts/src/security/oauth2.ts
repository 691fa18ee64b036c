/**
 * OAuth2 (FastAPI's `fastapi/security/oauth2.py`, RFC 6749): the `OAuth2`
 * base with any flows, the bearer-token schemes of the password and
 * authorization-code flows, and the token endpoint's form
 * (`OAuth2PasswordRequestForm`). Missing or non-bearer credentials answer
 * 401 "Not authenticated" with `WWW-Authenticate: Bearer` (RFC 6750 §3).
 */
import 'reflect-metadata';
import type { Request } from 'starlette-ts';
import type { HTTPException } from '../exceptions';
import { compact, notAuthenticated, SecurityBase, type Credential, type SecurityBaseOptions } from './base';
import { getAuthorizationSchemeParam } from './utils';

/** An OAuth Flow Object (OpenAPI): the URLs of one flow and its scopes (name -> description). */
export interface OAuthFlow {
  authorizationUrl?: string;
  tokenUrl?: string;
  refreshUrl?: string;
  scopes?: Record<string, string>;
}

/** The OAuth Flows Object (OpenAPI): the flows a scheme supports. */
export interface OAuthFlows {
  implicit?: OAuthFlow;
  password?: OAuthFlow;
  clientCredentials?: OAuthFlow;
  authorizationCode?: OAuthFlow;
}

/** Options of `OAuth2`. */
export interface OAuth2Options<AutoError extends boolean = true> extends SecurityBaseOptions<AutoError> {
  /** The flows, as OpenAPI's OAuth Flows Object. */
  flows?: OAuthFlows;
}

function compactFlows(flows: OAuthFlows): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, flow] of Object.entries(flows) as Array<[string, OAuthFlow | undefined]>) {
    if (flow === undefined) continue;
    // OpenAPI requires `scopes` in every flow (it may be empty).
    out[name] = compact({ authorizationUrl: flow.authorizationUrl, tokenUrl: flow.tokenUrl, refreshUrl: flow.refreshUrl, scopes: flow.scopes ?? {} });
  }
  return out;
}

/**
 * The OAuth2 base: any flows; the dependency gives the whole `Authorization`
 * header value (FastAPI's behaviour: the scheme is not checked here).
 *
 * @example
 * const oauth2 = new OAuth2({ flows: { password: { tokenUrl: 'token', scopes: { 'read:users': 'Read the users' } } } });
 */
export class OAuth2<AutoError extends boolean = true> extends SecurityBase<AutoError> {
  /** The OpenAPI Security Scheme Object: `{ type: 'oauth2', flows, description? }`. */
  readonly model: Record<string, unknown>;

  constructor(options: OAuth2Options<AutoError> = {}) {
    super(options);
    this.model = compact({ type: 'oauth2', description: options.description, flows: compactFlows(options.flows ?? {}) });
  }

  /**
   * 401 "Not authenticated" with the `Bearer` challenge: OAuth2 defines no
   * challenge of its own, and bearer tokens (RFC 6750) are what it is used with.
   */
  makeNotAuthenticatedError(): HTTPException {
    return notAuthenticated('Bearer');
  }

  /** A missing credential: an error, or `undefined` with `autoError: false`. */
  protected missing(): Credential<AutoError, string> {
    if (this.autoError) throw this.makeNotAuthenticatedError();
    return undefined as Credential<AutoError, string>;
  }

  /** The `Authorization` header value, as sent. */
  __call__(request: Request): Credential<AutoError, string> {
    const authorization = request.headers.get('authorization');
    if (!authorization) return this.missing();
    return authorization;
  }
}

/** Reads the bearer token of an `Authorization` header, or undefined for another scheme. */
function bearerToken(authorization: string | undefined): string | undefined {
  const [scheme, param] = getAuthorizationSchemeParam(authorization);
  return authorization && scheme.toLowerCase() === 'bearer' ? param : undefined;
}

/** Options of `OAuth2PasswordBearer`. */
export interface OAuth2PasswordBearerOptions<AutoError extends boolean = true> extends SecurityBaseOptions<AutoError> {
  /** The URL of the token endpoint (the route that takes `OAuth2PasswordRequestForm`), relative to the docs page. */
  tokenUrl: string;
  /** The URL to refresh a token, if any. */
  refreshUrl?: string;
  /** The scopes the token endpoint can grant: name -> description (shown in Swagger UI's Authorize dialog). */
  scopes?: Record<string, string>;
}

/**
 * The password flow's bearer token: gives the token of `Authorization: Bearer <token>`.
 *
 * @example
 * const oauth2Scheme = new OAuth2PasswordBearer({ tokenUrl: 'token', scopes: { me: 'Read information about the current user.' } });
 * const getCurrentUser = dependency({ token: Depends(oauth2Scheme) }, ({ token }) => decode(token));
 */
export class OAuth2PasswordBearer<AutoError extends boolean = true> extends OAuth2<AutoError> {
  constructor(options: OAuth2PasswordBearerOptions<AutoError>) {
    super({ ...options, flows: { password: { tokenUrl: options.tokenUrl, refreshUrl: options.refreshUrl, scopes: options.scopes ?? {} } } });
  }

  /** The bearer token. */
  override __call__(request: Request): Credential<AutoError, string> {
    const token = bearerToken(request.headers.get('authorization'));
    return token === undefined ? this.missing() : token;
  }
}

/** Options of `OAuth2AuthorizationCodeBearer`. */
export interface OAuth2AuthorizationCodeBearerOptions<AutoError extends boolean = true> extends OAuth2PasswordBearerOptions<AutoError> {
  /** The URL of the authorization endpoint. */
  authorizationUrl: string;
}

/**
 * The authorization-code flow's bearer token (a third-party authorization server issues it).
 *
 * @example
 * const scheme = new OAuth2AuthorizationCodeBearer({ authorizationUrl: 'authorize', tokenUrl: 'token' });
 */
export class OAuth2AuthorizationCodeBearer<AutoError extends boolean = true> extends OAuth2<AutoError> {
  constructor(options: OAuth2AuthorizationCodeBearerOptions<AutoError>) {
    super({
      ...options,
      flows: {
        authorizationCode: {
          authorizationUrl: options.authorizationUrl,
          tokenUrl: options.tokenUrl,
          refreshUrl: options.refreshUrl,
          scopes: options.scopes ?? {},
        },
      },
    });
  }

  /** The bearer token. */
  override __call__(request: Request): Credential<AutoError, string> {
    const token = bearerToken(request.headers.get('authorization'));
    return token === undefined ? this.missing() : token;
  }
}
