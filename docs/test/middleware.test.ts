import { TestClient } from 'starlette-ts';
import { app } from '../examples/middleware/main';

const client = new TestClient(app);

test('the pure ASGI middleware adds its header', async () => {
  const response = await client.get('/small');
  expect(response.json()).toEqual({ ok: true });
  expect(response.headers.get('x-process-time')).toMatch(/^\d+\.\d{3}$/);
});

test('GZip compresses large bodies for clients that accept it, not small ones', async () => {
  const large = await client.get('/report', { headers: { 'accept-encoding': 'gzip' } });
  expect(large.headers.get('content-encoding')).toBe('gzip');
  expect(large.json<any>().rows).toHaveLength(100);
  const small = await client.get('/small', { headers: { 'accept-encoding': 'gzip' } });
  expect(small.headers.get('content-encoding')).toBeUndefined();
});

test('CORS: a preflight from the allowed origin, and one from another', async () => {
  const allowed = await client.options('/report', {
    headers: { origin: 'https://example.com', 'access-control-request-method': 'GET' },
  });
  expect(allowed.status).toBe(200);
  expect(allowed.headers.get('access-control-allow-origin')).toBe('https://example.com');
  const other = await client.options('/report', { headers: { origin: 'https://evil.test', 'access-control-request-method': 'GET' } });
  expect([other.status, other.text]).toEqual([400, 'Disallowed CORS origin']);
  const simple = await client.get('/small', { headers: { origin: 'https://example.com' } });
  expect(simple.headers.get('access-control-allow-origin')).toBe('https://example.com');
});
