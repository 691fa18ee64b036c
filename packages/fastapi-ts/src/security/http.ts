/**
 * HTTP authentication schemes (FastAPI's `fastapi/security/http.py`): the
 * `Authorization` header with Basic (RFC 7617), Bearer (RFC 6750), Digest
 * (RFC 7616) or any other scheme. Every failure is a 401 whose
 * `WWW-Authenticate` challenge names the scheme, as FastAPI 0.122+ answers.
 */
import type { Request } from 'starlette-ts';
import type { HTTPException } from '../exceptions';
import { compact, notAuthenticated, SecurityBase, type Credential, type SecurityBaseOptions } from './base';
import { getAuthorizationSchemeParam } from './utils';

/** What `HTTPBasic` gives: the decoded user name and password. */
export class HTTPBasicCredentials {
  constructor(
    /** The user name (before the first colon). */
    readonly username: string,
    /** The password (after the first colon; it may contain colons). */
    readonly password: string,
  ) {}
}

/** What `HTTPBearer`, `HTTPDigest` and `HTTPBase` give: the header split at its first space. */
export class HTTPAuthorizationCredentials {
  constructor(
    /** The scheme as sent (`Bearer`, `Digest`, ...). */
    readonly scheme: string,
    /** The rest of the header, trimmed (the token, the digest parameters, ...). */
    readonly credentials: string,
  ) {}
}

/** Options of `HTTPBase`. */
export interface HTTPBaseOptions<AutoError extends boolean = true> extends SecurityBaseOptions<AutoError> {
  /** The HTTP authentication scheme, as OpenAPI's `scheme` (`basic`, `bearer`, or any registered one). */
  scheme: string;
}

/** Python's `str.title()`: each run of letters capitalised, the rest lower-cased (`bearer` -> `Bearer`). */
function title(value: string): string {
  return value.replace(/[A-Za-z]+/g, (word) => word[0].toUpperCase() + word.slice(1).toLowerCase());
}

/**
 * Any HTTP authentication scheme: gives the scheme and credentials of the
 * `Authorization` header without checking which scheme was sent. (`T` is what
 * a subclass's `__call__` gives: `HTTPBasic` gives `HTTPBasicCredentials`.)
 *
 * @example
 * const security = new HTTPBase({ scheme: 'Other' });
 */
export class HTTPBase<AutoError extends boolean = true, T = HTTPAuthorizationCredentials> extends SecurityBase<AutoError> {
  /** The OpenAPI Security Scheme Object: `{ type: 'http', scheme, description? }`. */
  readonly model: Record<string, unknown>;

  constructor(options: HTTPBaseOptions<AutoError>) {
    super(options);
    this.model = compact({ type: 'http', description: options.description, scheme: options.scheme });
  }

  /** The challenge of a 401: the scheme, title-cased (`Bearer`, `Digest`). */
  makeAuthenticateHeaders(): Record<string, string> {
    return { 'WWW-Authenticate': title(this.model.scheme as string) };
  }

  /** 401 "Not authenticated" with this scheme's challenge. */
  makeNotAuthenticatedError(): HTTPException {
    return notAuthenticated(this.makeAuthenticateHeaders()['WWW-Authenticate']);
  }

  /** A missing value or empty scheme/credentials is an error, or `undefined` with `autoError: false`. */
  protected missing(): Credential<AutoError, T> {
    if (this.autoError) throw this.makeNotAuthenticatedError();
    return undefined as Credential<AutoError, T>;
  }

  /** The scheme and credentials of the `Authorization` header. */
  __call__(request: Request): Credential<AutoError, T> {
    const authorization = request.headers.get('authorization');
    const [scheme, credentials] = getAuthorizationSchemeParam(authorization);
    if (!(authorization && scheme && credentials)) return this.missing();
    return new HTTPAuthorizationCredentials(scheme, credentials) as T;
  }
}

/** Options of `HTTPBasic`. */
export interface HTTPBasicOptions<AutoError extends boolean = true> extends SecurityBaseOptions<AutoError> {
  /** The protection space sent in the challenge (`Basic realm="..."`, RFC 7617 §2). */
  realm?: string;
}

const BASE64_CHAR = /[A-Za-z0-9+/]/;

/**
 * Decodes base64 as Python's `b64decode(..., validate=False)` does: characters
 * outside the alphabet are skipped, but missing padding is an error, and so
 * is a lone trailing character. Returns undefined on error.
 */
function decodeBase64(value: string): Uint8Array | undefined {
  let data = '';
  let padding = 0;
  for (const c of value) {
    if (c === '=') {
      if (data.length % 4 >= 2) padding++;
      if ((data.length % 4 === 2 && padding >= 2) || (data.length % 4 === 3 && padding >= 1)) break;
    } else if (BASE64_CHAR.test(c)) {
      if (padding > 0) padding = 0;
      data += c;
    }
  }
  const rest = data.length % 4;
  if (rest === 1) return undefined;
  if ((rest === 2 && padding < 2) || (rest === 3 && padding < 1)) return undefined;
  return Buffer.from(data, 'base64');
}

/**
 * HTTP Basic authentication (RFC 7617): gives the user name and password.
 * A header that is not valid base64 of ASCII `user:password` is a 401 even
 * with `autoError: false` (it was sent, and it is wrong), as in FastAPI.
 *
 * @example
 * const security = new HTTPBasic({ realm: 'simple' });
 * app.get('/users/me', { params: { credentials: Depends(security) } }, ({ credentials }) => ({ username: credentials.username }));
 */
export class HTTPBasic<AutoError extends boolean = true> extends HTTPBase<AutoError, HTTPBasicCredentials> {
  /** The realm of the challenge, if any. */
  readonly realm?: string;

  constructor(options: HTTPBasicOptions<AutoError> = {}) {
    super({ ...options, scheme: 'basic' });
    this.realm = options.realm;
  }

  /** `Basic realm="..."` when a realm is set, else `Basic`. */
  override makeAuthenticateHeaders(): Record<string, string> {
    return { 'WWW-Authenticate': this.realm ? `Basic realm="${this.realm}"` : 'Basic' };
  }

  /** The decoded credentials. */
  override __call__(request: Request): Credential<AutoError, HTTPBasicCredentials> {
    const authorization = request.headers.get('authorization');
    const [scheme, param] = getAuthorizationSchemeParam(authorization);
    if (!authorization || scheme.toLowerCase() !== 'basic') return this.missing();
    const bytes = decodeBase64(param);
    // RFC 7617 §2: user-pass is decoded here as ASCII, as FastAPI does; other bytes are an error.
    if (bytes === undefined || bytes.some((byte) => byte > 0x7f)) throw this.makeNotAuthenticatedError();
    const data = Buffer.from(bytes).toString('latin1');
    const colon = data.indexOf(':');
    if (colon === -1) throw this.makeNotAuthenticatedError();
    return new HTTPBasicCredentials(data.slice(0, colon), data.slice(colon + 1));
  }
}

/** Options of `HTTPBearer`. */
export interface HTTPBearerOptions<AutoError extends boolean = true> extends SecurityBaseOptions<AutoError> {
  /** A hint of the token's format for OpenAPI (`JWT`). */
  bearerFormat?: string;
}

/**
 * HTTP Bearer authentication (RFC 6750): gives the token as `credentials`;
 * another scheme is answered like a missing header.
 *
 * @example
 * const security = new HTTPBearer({ bearerFormat: 'JWT' });
 */
export class HTTPBearer<AutoError extends boolean = true> extends HTTPBase<AutoError> {
  constructor(options: HTTPBearerOptions<AutoError> = {}) {
    super({ ...options, scheme: 'bearer' });
    (this as { model: Record<string, unknown> }).model = compact({
      type: 'http',
      description: options.description,
      scheme: 'bearer',
      bearerFormat: options.bearerFormat,
    });
  }

  /** The bearer token. */
  override __call__(request: Request): Credential<AutoError, HTTPAuthorizationCredentials> {
    const authorization = request.headers.get('authorization');
    const [scheme, credentials] = getAuthorizationSchemeParam(authorization);
    if (!(authorization && scheme && credentials) || scheme.toLowerCase() !== 'bearer') return this.missing();
    return new HTTPAuthorizationCredentials(scheme, credentials);
  }
}

/**
 * HTTP Digest authentication (RFC 7616): gives the digest parameters as
 * `credentials`; checking them is the application's work.
 *
 * @example
 * const security = new HTTPDigest();
 */
export class HTTPDigest<AutoError extends boolean = true> extends HTTPBase<AutoError> {
  constructor(options: SecurityBaseOptions<AutoError> = {}) {
    super({ ...options, scheme: 'digest' });
  }

  /** The digest credentials. */
  override __call__(request: Request): Credential<AutoError, HTTPAuthorizationCredentials> {
    const authorization = request.headers.get('authorization');
    const [scheme, credentials] = getAuthorizationSchemeParam(authorization);
    if (!(authorization && scheme && credentials) || scheme.toLowerCase() !== 'digest') return this.missing();
    return new HTTPAuthorizationCredentials(scheme, credentials);
  }
}
