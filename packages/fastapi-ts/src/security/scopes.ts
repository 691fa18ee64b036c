/**
 * `SecurityScopes` (FastAPI's `fastapi.security.SecurityScopes`): injected by
 * type into a dependency, it holds the OAuth2 scopes asked for by every
 * `Security(..., { scopes })` from the route down to that dependency.
 */
import { registerInjectable } from '../internal/injectables';

/**
 * The OAuth2 scopes required at this point of the dependency chain. Declare a
 * parameter of this type (decorated method or constructor) or put the class
 * in a declaration map (`{ securityScopes: SecurityScopes }`) to receive it.
 *
 * @example
 * const getCurrentUser = dependency({ securityScopes: SecurityScopes, token: Depends(oauth2Scheme) }, ({ securityScopes, token }) => ...);
 */
export class SecurityScopes {
  /** The scopes, the outermost dependency's first, each once. */
  readonly scopes: string[];
  /** The scopes joined by spaces, as the OAuth2 `scope` parameter and `WWW-Authenticate` use them (RFC 6749 §3.3). */
  readonly scopeStr: string;

  constructor(scopes: readonly string[] = []) {
    this.scopes = [...scopes];
    this.scopeStr = this.scopes.join(' ');
  }
}

registerInjectable(SecurityScopes, 'securityScopes');
