/**
 * The demo's settings, read from the environment once (FastAPI's "Settings and
 * environment variables" chapter, without pydantic-settings): every value has
 * a default so `npm run demo` works with no configuration at all.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { dependency, Request } from 'fastapi-ts';
import { DEFAULT_SCRYPT_LOG_N } from './security';

/** Everything the app can be configured with. */
export interface Settings {
  /** SQLite file (`DEMO_DATABASE`); `:memory:` keeps everything in memory. */
  database: string;
  /** Largest request body in bytes (`DEMO_MAX_BODY`, default 1 MiB); larger bodies answer 413. */
  maxBodySize: number;
  /** HMAC key that signs access tokens (`DEMO_SECRET_KEY`; default: random per process). */
  secretKey: string;
  /** Lifetime of an access token in minutes (`DEMO_TOKEN_MINUTES`, default 30). */
  accessTokenMinutes: number;
  /** scrypt cost of new password hashes, log2(N) from 10 to 20 (`DEMO_SCRYPT_LOG_N`, default 15). */
  scryptLogN: number;
  /** Pause between two server-sent events in milliseconds (`DEMO_SSE_INTERVAL_MS`, default 1000, as the seed's `sleep(1)`). */
  sseIntervalMs: number;
}

/** Where `npm run demo` keeps its data unless told otherwise: `apps/demo/demo.db`. */
export const DEFAULT_DATABASE = join(__dirname, '..', 'demo.db');

/** A random key is fine for a demo: tokens simply stop working when the process restarts. */
const processSecret = randomBytes(32).toString('hex');

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`}, got "${raw}"`);
  }
  return value;
}

/**
 * Reads the settings from `env` (default `process.env`); throws a RangeError
 * naming the variable when a number is malformed.
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return {
    database: env.DEMO_DATABASE?.trim() || DEFAULT_DATABASE,
    maxBodySize: integer(env, 'DEMO_MAX_BODY', 1024 * 1024, 1),
    secretKey: env.DEMO_SECRET_KEY || processSecret,
    accessTokenMinutes: integer(env, 'DEMO_TOKEN_MINUTES', 30, 1),
    scryptLogN: integer(env, 'DEMO_SCRYPT_LOG_N', DEFAULT_SCRYPT_LOG_N, 10, 20),
    sseIntervalMs: integer(env, 'DEMO_SSE_INTERVAL_MS', 1000, 0),
  };
}

/**
 * The settings the app was created with, as a dependency (FastAPI's
 * `get_settings` pattern); the lifespan puts them in `request.state`.
 */
export const getSettings = dependency({ request: Request }, function getSettings({ request }): Settings {
  const settings = request.state.settings as Settings | undefined;
  if (settings === undefined) throw new Error('No settings in request.state: run the app with its lifespan');
  return settings;
});
