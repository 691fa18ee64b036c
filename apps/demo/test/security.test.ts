// Password hashing and access tokens (src/security.ts).
import { createHmac } from 'node:crypto';
import { createAccessToken, decodeAccessToken, hashPassword, verifyAgainstDummy, verifyPassword } from '../src/security';

describe('passwords', () => {
  test('a hash verifies its password and no other', async () => {
    const hash = await hashPassword('correct horse', 10);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct horsE', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  test('the default cost is N=2^15, r=8, p=1; another cost is recorded in the hash', async () => {
    expect(await hashPassword('pw')).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    const cheap = await hashPassword('pw', 10);
    expect(cheap).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('pw', cheap)).toBe(true);
  });

  test.each([9, 21, 1.5])('a cost of 2^%s is refused', async (logN) => {
    await expect(hashPassword('pw', logN)).rejects.toThrow(`scrypt logN must be an integer from 10 to 20, got ${logN}`);
  });

  test('two hashes of one password differ (random salt)', async () => {
    const [a, b] = await Promise.all([hashPassword('pw', 10), hashPassword('pw', 10)]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('pw', a)).toBe(true);
    expect(await verifyPassword('pw', b)).toBe(true);
  });

  test.each([
    ['empty', ''],
    ['another scheme', 'bcrypt$2b$12$abc'],
    ['too few fields', 'scrypt$32768$8$1$salt'],
    ['a non-numeric cost', 'scrypt$x$8$1$c2FsdA$aGFzaA'],
    ['a cost too high to compute', `scrypt$${2 ** 24}$8$1$c2FsdA$${'A'.repeat(43)}`],
    ['a short hash', 'scrypt$32768$8$1$c2FsdA$aGFzaA'],
  ])('a malformed stored hash (%s) never verifies', async (_name, stored) => {
    expect(await verifyPassword('pw', stored)).toBe(false);
  });

  test('the dummy check is always false', async () => {
    expect(await verifyAgainstDummy('anything', 10)).toBe(false);
  });
});

describe('access tokens', () => {
  const secret = 'k';
  const now = Date.UTC(2030, 0, 1);

  test('a token carries its subject and expiry', () => {
    const token = createAccessToken('rick@example.com', secret, 30, now);
    expect(decodeAccessToken(token, secret, now)).toEqual({ sub: 'rick@example.com', iat: now / 1000, exp: now / 1000 + 1800 });
  });

  test('it is a standard HS256 JWT', () => {
    const token = createAccessToken('a', secret, 1, now);
    const [header, payload, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual({ sub: 'a', iat: now / 1000, exp: now / 1000 + 60 });
    expect(signature).toBe(createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url'));
  });

  test('expired at exp', () => {
    const token = createAccessToken('a', secret, 1, now);
    expect(decodeAccessToken(token, secret, now + 59_999)).not.toBeNull();
    expect(decodeAccessToken(token, secret, now + 60_000)).toBeNull();
  });

  test('another key, or a changed payload, is refused', () => {
    const token = createAccessToken('a', secret, 1, now);
    expect(decodeAccessToken(token, 'other', now)).toBeNull();
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'admin', iat: now / 1000, exp: now / 1000 + 60 })).toString('base64url');
    expect(decodeAccessToken(`${header}.${forged}.${signature}`, secret, now)).toBeNull();
  });

  test('alg "none" and other headers are refused', () => {
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'a', iat: 0, exp: 2 ** 40 })).toString('base64url');
    expect(decodeAccessToken(`${none}.${payload}.`, secret, now)).toBeNull();
  });

  test.each(['', 'a', 'a.b', 'a.b.c.d', '...', createAccessToken('a', secret, 1, now) + 'x'])('malformed token %j is refused', (token) => {
    expect(decodeAccessToken(token, secret, now)).toBeNull();
  });

  test('a signed payload that is not JSON, or lacks claims, is refused', () => {
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    for (const raw of ['not json', '{"sub":1,"iat":0,"exp":9999999999}', 'null', '{"sub":"a"}']) {
      const payload = Buffer.from(raw).toString('base64url');
      const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
      expect(decodeAccessToken(`${header}.${payload}.${signature}`, secret, now)).toBeNull();
    }
  });
});
