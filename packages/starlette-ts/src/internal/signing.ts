/**
 * A timestamp signer for cookie values: `value.timestamp.signature` with an
 * HMAC-SHA256 over `value.timestamp` (the role itsdangerous'
 * TimestampSigner plays for Starlette). Verification is constant-time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

function base64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/** Signs and verifies strings with a secret key and an age limit. */
export class TimestampSigner {
  private readonly key: Buffer;

  constructor(secretKey: string, salt = 'starlette-ts.sessions') {
    // Derive a purpose-bound key so the raw secret is never the HMAC key of a
    // value an attacker chooses.
    this.key = createHmac('sha256', secretKey).update(salt).digest();
  }

  /** Returns `value.timestamp.signature`; `now` is seconds since the epoch. */
  sign(value: string, now = Math.floor(Date.now() / 1000)): string {
    const stamp = base64url(encodeTimestamp(now));
    const payload = `${value}.${stamp}`;
    return `${payload}.${this.signature(payload)}`;
  }

  /**
   * Returns the value when the signature is valid and not older than
   * `maxAge` seconds (null: no limit), or null for anything else: tampered,
   * truncated, expired or from the future.
   */
  unsign(signed: string, maxAge: number | null, now = Math.floor(Date.now() / 1000)): string | null {
    const sigDot = signed.lastIndexOf('.');
    if (sigDot <= 0) return null;
    const payload = signed.slice(0, sigDot);
    const stampDot = payload.lastIndexOf('.');
    if (stampDot < 0) return null;
    const given = Buffer.from(signed.slice(sigDot + 1), 'base64url');
    const expected = Buffer.from(this.signature(payload), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const stampText = payload.slice(stampDot + 1);
    if (!/^[A-Za-z0-9_-]{1,11}$/.test(stampText)) return null;
    const timestamp = decodeTimestamp(Buffer.from(stampText, 'base64url'));
    const age = now - timestamp;
    if (age < 0) return null;
    if (maxAge !== null && age > maxAge) return null;
    return payload.slice(0, stampDot);
  }

  private signature(payload: string): string {
    return base64url(createHmac('sha256', this.key).update(payload).digest());
  }
}

/** Big-endian bytes without leading zeros, as itsdangerous encodes timestamps. */
function encodeTimestamp(seconds: number): Buffer {
  let hex = Math.max(0, Math.floor(seconds)).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Buffer.from(hex, 'hex');
}

function decodeTimestamp(bytes: Buffer): number {
  let value = 0;
  for (const byte of bytes) value = value * 256 + byte;
  return value;
}
