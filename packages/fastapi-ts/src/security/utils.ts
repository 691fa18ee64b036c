/**
 * Helpers shared by the security schemes (FastAPI's `fastapi/security/utils.py`).
 */

/**
 * Splits an `Authorization` header value at its first space into the scheme
 * and its parameter (trimmed): `"Bearer  abc "` -> `["Bearer", "abc"]`. A
 * missing or empty value gives `["", ""]` (RFC 9110 §11.6.2: `credentials = auth-scheme [ 1*SP token68 / ... ]`).
 *
 * @example
 * const [scheme, token] = getAuthorizationSchemeParam(request.headers.get('authorization'));
 */
export function getAuthorizationSchemeParam(authorizationHeaderValue: string | null | undefined): [scheme: string, param: string] {
  if (!authorizationHeaderValue) return ['', ''];
  const space = authorizationHeaderValue.indexOf(' ');
  if (space === -1) return [authorizationHeaderValue, ''];
  return [authorizationHeaderValue.slice(0, space), authorizationHeaderValue.slice(space + 1).trim()];
}
