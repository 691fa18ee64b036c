/**
 * FastAPI's security tutorial ("OAuth2 scopes", docs_src/security/tutorial005)
 * in fastapi-ts: the password flow with hashed passwords (scrypt), signed
 * JWTs (`jose`, HS256) and scopes checked through `Security` + `SecurityScopes`.
 */
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import {
  Depends,
  FastAPI,
  HTTPException,
  Model,
  OAuth2PasswordBearer,
  OAuth2PasswordRequestForm,
  Security,
  SecurityScopes,
  dependency,
} from 'fastapi-ts';
import { verifyPassword } from './passwords';

// To get a key like this one run: openssl rand -hex 32 (and read it from the environment in production).
const SECRET_KEY = new TextEncoder().encode(process.env.SECRET_KEY ?? '09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7');
const ALGORITHM = 'HS256';
/** How long an access token lives. */
export const ACCESS_TOKEN_EXPIRE_MINUTES = 30;

/** The users, with scrypt hashes of "secret" (johndoe) and "secretalice" (alice). */
export const fakeUsersDb: Record<string, { username: string; full_name: string; email: string; hashed_password: string; disabled: boolean }> = {
  johndoe: {
    username: 'johndoe',
    full_name: 'John Doe',
    email: 'johndoe@example.com',
    hashed_password: 'scrypt$16384$8$1$Oz-C23VvmP_mXJfZtuZOqg$bVNwGVbLf38a0QQC850HwNQR2YFaiMNtcKTTWcUk3fQ',
    disabled: false,
  },
  alice: {
    username: 'alice',
    full_name: 'Alice Chains',
    email: 'alicechains@example.com',
    hashed_password: 'scrypt$16384$8$1$DdcMI7hvBxSDPqkqqMLXZw$FN3gXBiNcMnzivJMC_-p8wr1hQMrIhMNdq1Tedzu04E',
    disabled: true,
  },
};

// Verified when the user does not exist, so that an unknown name takes as long as a wrong password.
const DUMMY_HASH = 'scrypt$16384$8$1$aXyFhfIBSwJLl21QJ75WZA$0b1GaK240bhSzmRrBu0ll1NPm0euHg44MD5Z65AQhjI';

/** The token endpoint's answer. */
export class Token extends Model('Token', { access_token: z.string(), token_type: z.string() }) {}

/** A user as the API shows it. */
export class User extends Model('User', {
  username: z.string(),
  email: z.string().nullable().optional(),
  full_name: z.string().nullable().optional(),
  disabled: z.boolean().nullable().optional(),
}) {}

type UserInDB = (typeof fakeUsersDb)[string];

/** The scheme: Swagger UI's Authorize dialog posts the form to `token` and offers these scopes. */
export const oauth2Scheme = new OAuth2PasswordBearer({
  tokenUrl: 'token',
  scopes: { me: 'Read information about the current user.', items: 'Read items.' },
});

/** The user named `username`, if any. */
export function getUser(db: typeof fakeUsersDb, username: string): UserInDB | undefined {
  return Object.hasOwn(db, username) ? db[username] : undefined;
}

/** The user when the password is right, else false. */
export async function authenticateUser(db: typeof fakeUsersDb, username: string, password: string): Promise<UserInDB | false> {
  const user = getUser(db, username);
  if (!user) {
    await verifyPassword(password, DUMMY_HASH);
    return false;
  }
  return (await verifyPassword(password, user.hashed_password)) ? user : false;
}

/** A signed JWT carrying `data`, expiring after `expiresInMinutes` (15 by default). */
export async function createAccessToken(data: { sub: string; scope?: string }, expiresInMinutes = 15): Promise<string> {
  return new SignJWT({ ...data })
    .setProtectedHeader({ alg: ALGORITHM })
    .setIssuedAt()
    .setExpirationTime(`${expiresInMinutes}m`)
    .sign(SECRET_KEY);
}

/** Verifies the token and returns its claims; throws for a bad signature, an expired token, or another algorithm. */
async function decodeToken(token: string): Promise<Record<string, unknown>> {
  const { payload } = await jwtVerify(token, SECRET_KEY, { algorithms: [ALGORITHM] });
  return payload;
}

/** The user of the bearer token, who must hold every scope the chain asks for. */
export const getCurrentUser = dependency(
  { securityScopes: SecurityScopes, token: Depends(oauth2Scheme) },
  async function get_current_user({ securityScopes, token }): Promise<UserInDB> {
    // RFC 6750 §3: the challenge names the scopes the resource needs.
    const authenticateValue = securityScopes.scopes.length > 0 ? `Bearer scope="${securityScopes.scopeStr}"` : 'Bearer';
    const credentialsException = new HTTPException(401, 'Could not validate credentials', { 'WWW-Authenticate': authenticateValue });
    let username: unknown;
    let tokenScopes: string[];
    try {
      const payload = await decodeToken(token);
      username = payload.sub;
      tokenScopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) throw credentialsException;
      throw error;
    }
    if (typeof username !== 'string') throw credentialsException;
    const user = getUser(fakeUsersDb, username);
    if (user === undefined) throw credentialsException;
    for (const scope of securityScopes.scopes) {
      if (!tokenScopes.includes(scope)) {
        throw new HTTPException(401, 'Not enough permissions', { 'WWW-Authenticate': authenticateValue });
      }
    }
    return user;
  },
);

/** The current user, with the `me` scope, who must not be disabled. */
export const getCurrentActiveUser = dependency({ currentUser: Security(getCurrentUser, { scopes: ['me'] }) }, function get_current_active_user({ currentUser }) {
  if (currentUser.disabled) throw new HTTPException(400, 'Inactive user');
  return currentUser;
});

/** The app. */
export const app = new FastAPI();

app.post('/token', { responseModel: Token, params: { formData: Depends(OAuth2PasswordRequestForm) } }, async function login_for_access_token({ formData }) {
  const user = await authenticateUser(fakeUsersDb, formData.username, formData.password);
  if (!user) throw new HTTPException(400, 'Incorrect username or password');
  const accessToken = await createAccessToken({ sub: user.username, scope: formData.scopes.join(' ') }, ACCESS_TOKEN_EXPIRE_MINUTES);
  return { access_token: accessToken, token_type: 'bearer' };
});

app.get('/users/me/', { responseModel: User, params: { currentUser: Depends(getCurrentActiveUser) } }, function read_users_me({ currentUser }) {
  return currentUser;
});

app.get('/users/me/items/', { params: { currentUser: Security(getCurrentActiveUser, { scopes: ['items'] }) } }, function read_own_items({ currentUser }) {
  return [{ item_id: 'Foo', owner: currentUser.username }];
});

app.get('/status/', { params: { currentUser: Depends(getCurrentUser) } }, function read_system_status() {
  return { status: 'ok' };
});
