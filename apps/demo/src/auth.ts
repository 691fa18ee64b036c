/**
 * Authentication dependencies (the security tutorial's `oauth2_scheme`,
 * `get_current_user`, `get_current_active_user`): a bearer token from the
 * `Authorization` header, checked and turned into the user it was issued to.
 */
import { Depends, dependency, HTTPException, OAuth2PasswordBearer } from 'fastapi-ts';
import { getSettings } from './config';
import { getUserByEmail, type UserWithItems } from './crud';
import { getDb } from './db';
import { decodeAccessToken } from './security';

/**
 * The token scheme: reads `Authorization: Bearer <token>`, answers 401 "Not
 * authenticated" without one, and shows Swagger UI's Authorize button, which
 * logs in through `POST /token`.
 */
export const oauth2Scheme = new OAuth2PasswordBearer({ tokenUrl: 'token' });

/** The user the bearer token was issued to; 401 "Invalid authentication credentials" otherwise. */
export const getCurrentUser = dependency(
  { token: Depends(oauth2Scheme), db: Depends(getDb), settings: Depends(getSettings) },
  function getCurrentUser({ token, db, settings }): UserWithItems {
    const invalid = () => new HTTPException(401, 'Invalid authentication credentials', { 'WWW-Authenticate': 'Bearer' });
    const claims = decodeAccessToken(token, settings.secretKey);
    if (claims === null) throw invalid();
    const user = getUserByEmail(db, claims.sub);
    if (user === undefined) throw invalid();
    return user;
  },
);

/** The current user, who must be active (400 "Inactive user" otherwise). */
export const getCurrentActiveUser = dependency({ user: Depends(getCurrentUser) }, function getCurrentActiveUser({ user }): UserWithItems {
  if (!user.is_active) throw new HTTPException(400, 'Inactive user');
  return user;
});
