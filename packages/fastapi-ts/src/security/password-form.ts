/**
 * The token endpoint's form of the OAuth2 password flow (RFC 6749 §4.3.2),
 * FastAPI's `OAuth2PasswordRequestForm` and `OAuth2PasswordRequestFormStrict`:
 * class dependencies whose constructor parameters are form fields, so
 * `Depends(OAuth2PasswordRequestForm)` reads and validates an
 * `application/x-www-form-urlencoded` body and documents it in OpenAPI.
 */
import 'reflect-metadata';
import { z } from 'zod';
import { Form } from '../params';

/** `grant_type`: RFC 6749 §4.3.2 fixes it to "password". */
const GRANT_TYPE = z.string().regex(/^password$/);

/**
 * The password flow's form: `username`, `password`, and the optional
 * `grant_type` ("password" when sent), `scope` (space-separated; split into
 * `scopes`), `client_id` and `client_secret`. Field names on the wire are
 * the RFC's; properties are camelCase. Absent optional fields are `undefined`.
 *
 * @example
 * app.post('/token', { params: { form: Depends(OAuth2PasswordRequestForm) } }, ({ form }) => login(form.username, form.password, form.scopes));
 */
export class OAuth2PasswordRequestForm {
  /** "password", or undefined when not sent (this class is permissive; see the Strict one). */
  readonly grantType?: string;
  /** The user name. */
  readonly username: string;
  /** The password. */
  readonly password: string;
  /** The requested scopes: the `scope` field split at whitespace (RFC 6749 §3.3). */
  readonly scopes: string[];
  /** The client id, if sent in the form (RFC 6749 recommends HTTP Basic instead). */
  readonly clientId?: string;
  /** The client secret, if sent in the form. */
  readonly clientSecret?: string;

  constructor(
    @Form('grant_type', GRANT_TYPE.nullable().optional()) grantType: string | null | undefined,
    @Form('username', z.string()) username: string,
    @Form('password', z.string().meta({ format: 'password' })) password: string,
    @Form('scope', z.string().default('')) scope: string = '',
    @Form('client_id', z.string().nullable().optional()) clientId?: string | null,
    @Form('client_secret', z.string().nullable().optional().meta({ format: 'password' })) clientSecret?: string | null,
  ) {
    this.grantType = grantType ?? undefined;
    this.username = username;
    this.password = password;
    this.scopes = scope.split(/\s+/).filter((s) => s !== '');
    this.clientId = clientId ?? undefined;
    this.clientSecret = clientSecret ?? undefined;
  }
}

/**
 * The password flow's form with `grant_type` required and equal to
 * "password", as RFC 6749 §4.3.2 says; otherwise as {@link OAuth2PasswordRequestForm}.
 *
 * @example
 * app.post('/login', { params: { form: Depends(OAuth2PasswordRequestFormStrict) } }, ({ form }) => ({ scopes: form.scopes }));
 */
export class OAuth2PasswordRequestFormStrict extends OAuth2PasswordRequestForm {
  /** Always "password". */
  declare readonly grantType: string;

  constructor(
    @Form('grant_type', GRANT_TYPE) grantType: string,
    @Form('username', z.string()) username: string,
    @Form('password', z.string()) password: string,
    @Form('scope', z.string().default('')) scope: string = '',
    @Form('client_id', z.string().nullable().optional()) clientId?: string | null,
    @Form('client_secret', z.string().nullable().optional()) clientSecret?: string | null,
  ) {
    super(grantType, username, password, scope, clientId, clientSecret);
  }
}
