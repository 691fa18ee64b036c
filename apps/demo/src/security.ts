/**
 * Passwords and tokens (the security tutorial's `verify_password`,
 * `get_password_hash`, `create_access_token`), on node:crypto only:
 * - passwords: scrypt (RFC 7914) with a random salt, stored as
 *   `scrypt$N$r$p$salt$hash` (base64url), compared in constant time;
 * - tokens: JWTs signed with HMAC-SHA256 (RFC 7519, `alg: HS256`), carrying
 *   the user's e-mail in `sub` and an expiry in `exp`.
 */
import { createHmac, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;
/**
 * The default scrypt cost, log2(N) with r=8, p=1: N=2^15 is 32 MiB and ~0.1-0.2 s per hash
 * (OWASP lists N=2^17 as its minimum where 128 MiB per login is affordable). The cost is
 * stored in each hash, so raising it later keeps old hashes verifiable.
 */
export const DEFAULT_SCRYPT_LOG_N = 15;
const R = 8;
const P = 1;

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function scryptOptions(N: number, r: number, p: number): ScryptOptions {
  return { N, r, p, maxmem: 128 * N * r + 1024 * 1024 };
}

/**
 * Hashes a password with a fresh random salt at cost 2^`logN` (runs on libuv's
 * thread pool, not the event loop).
 */
export async function hashPassword(password: string, logN = DEFAULT_SCRYPT_LOG_N): Promise<string> {
  if (!Number.isInteger(logN) || logN < 10 || logN > 20) throw new RangeError(`scrypt logN must be an integer from 10 to 20, got ${logN}`);
  const N = 2 ** logN;
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, scryptOptions(N, R, P));
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when `password` matches `stored` (a {@link hashPassword} result); false for any malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20 || r > 32 || p > 16) return false;
  const expected = Buffer.from(parts[5], 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  const key = await scrypt(password, Buffer.from(parts[4], 'base64url'), KEY_LENGTH, scryptOptions(N, r, p));
  return timingSafeEqual(key, expected);
}

/**
 * A hash of a password nobody has: checked when the user does not exist, so
 * that "no such user" takes as long as "wrong password" (no user enumeration
 * by timing, as the security tutorial recommends).
 */
const dummyHashes = new Map<number, Promise<string>>();
/** Spends the time of one password check (at cost 2^`logN`) on a user that does not exist; always false. */
export async function verifyAgainstDummy(password: string, logN = DEFAULT_SCRYPT_LOG_N): Promise<false> {
  let dummy = dummyHashes.get(logN);
  if (dummy === undefined) dummyHashes.set(logN, (dummy = hashPassword(randomBytes(16).toString('hex'), logN)));
  await verifyPassword(password, await dummy);
  return false;
}

/** The claims of the demo's access tokens. */
export interface TokenClaims {
  /** The subject: the user's e-mail. */
  sub: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Issued at, seconds since the epoch. */
  iat: number;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function sign(input: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

/** A signed JWT for `subject`, valid for `minutes`. */
export function createAccessToken(subject: string, secret: string, minutes: number, now = Date.now()): string {
  const iat = Math.floor(now / 1000);
  const claims: TokenClaims = { sub: subject, iat, exp: iat + minutes * 60 };
  const body = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${sign(body, secret).toString('base64url')}`;
}

/**
 * The claims of a token this service signed and that has not expired, or
 * null for anything else (malformed, another algorithm, bad signature, expired).
 */
export function decodeAccessToken(token: string, secret: string, now = Date.now()): TokenClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== HEADER) return null; // only our exact header: no `alg: none` games
  const signature = Buffer.from(parts[2], 'base64url');
  const expected = sign(`${parts[0]}.${parts[1]}`, secret);
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const c = claims as Partial<TokenClaims> | null;
  if (c === null || typeof c !== 'object' || typeof c.sub !== 'string' || typeof c.exp !== 'number' || typeof c.iat !== 'number') return null;
  if (c.exp * 1000 <= now) return null;
  return { sub: c.sub, exp: c.exp, iat: c.iat };
}
