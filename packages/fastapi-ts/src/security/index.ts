/**
 * fastapi-ts's security utilities (FastAPI's `fastapi.security`): schemes
 * used as dependencies that read credentials, answer 401 with the right
 * challenge, and appear in OpenAPI (Swagger UI's Authorize button).
 */
export { SecurityBase } from './base';
export type { Credential, SecurityBaseOptions } from './base';
export { APIKeyBase, APIKeyCookie, APIKeyHeader, APIKeyQuery } from './api-key';
export type { APIKeyIn, APIKeyOptions } from './api-key';
export { HTTPAuthorizationCredentials, HTTPBase, HTTPBasic, HTTPBasicCredentials, HTTPBearer, HTTPDigest } from './http';
export type { HTTPBaseOptions, HTTPBasicOptions, HTTPBearerOptions } from './http';
export { OAuth2, OAuth2AuthorizationCodeBearer, OAuth2PasswordBearer } from './oauth2';
export type { OAuth2AuthorizationCodeBearerOptions, OAuth2Options, OAuth2PasswordBearerOptions, OAuthFlow, OAuthFlows } from './oauth2';
export { OAuth2PasswordRequestForm, OAuth2PasswordRequestFormStrict } from './password-form';
export { OpenIdConnect } from './open-id-connect';
export type { OpenIdConnectOptions } from './open-id-connect';
export { SecurityScopes } from './scopes';
export { getAuthorizationSchemeParam } from './utils';
