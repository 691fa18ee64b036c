// Settings from the environment (src/config.ts).
import { join } from 'node:path';
import { DEFAULT_DATABASE, loadSettings } from '../src/config';
import { createApp } from '../src/main';

describe('settings from the environment', () => {
  test('defaults', () => {
    const settings = loadSettings({});
    expect(settings).toEqual({
      database: DEFAULT_DATABASE,
      maxBodySize: 1048576,
      secretKey: expect.stringMatching(/^[0-9a-f]{64}$/),
      accessTokenMinutes: 30,
      scryptLogN: 15,
      sseIntervalMs: 1000,
    });
    expect(DEFAULT_DATABASE).toBe(join(__dirname, '..', 'demo.db'));
  });

  test('every variable is read', () => {
    expect(
      loadSettings({ DEMO_DATABASE: ':memory:', DEMO_MAX_BODY: '2048', DEMO_SECRET_KEY: 's', DEMO_TOKEN_MINUTES: '5', DEMO_SCRYPT_LOG_N: '12', DEMO_SSE_INTERVAL_MS: '0' }),
    ).toEqual({ database: ':memory:', maxBodySize: 2048, secretKey: 's', accessTokenMinutes: 5, scryptLogN: 12, sseIntervalMs: 0 });
  });

  test.each([
    ['DEMO_MAX_BODY', 'lots', 'DEMO_MAX_BODY must be an integer >= 1, got "lots"'],
    ['DEMO_MAX_BODY', '0', 'DEMO_MAX_BODY must be an integer >= 1, got "0"'],
    ['DEMO_TOKEN_MINUTES', '1.5', 'DEMO_TOKEN_MINUTES must be an integer >= 1, got "1.5"'],
    ['DEMO_SSE_INTERVAL_MS', '-1', 'DEMO_SSE_INTERVAL_MS must be an integer >= 0, got "-1"'],
    ['DEMO_SCRYPT_LOG_N', '21', 'DEMO_SCRYPT_LOG_N must be an integer from 10 to 20, got "21"'],
  ])('a malformed %s=%s is refused with a message naming it', (name, value, message) => {
    expect(() => loadSettings({ [name]: value })).toThrow(message);
  });

  test('DEMO_MAX_BODY reaches the app', () => {
    const before = process.env.DEMO_MAX_BODY;
    process.env.DEMO_MAX_BODY = '4096';
    try {
      expect(createApp().maxBodySize).toBe(4096);
    } finally {
      if (before === undefined) delete process.env.DEMO_MAX_BODY;
      else process.env.DEMO_MAX_BODY = before;
    }
  });
});
