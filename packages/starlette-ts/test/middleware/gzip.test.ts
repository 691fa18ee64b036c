import * as zlib from 'node:zlib';
import { gunzipSync } from 'node:zlib';
import type { ASGIApp, SendMessage } from 'asgi-core';
import { Starlette } from '../../src/applications';
import { Middleware } from '../../src/middleware';
import { GZipMiddleware } from '../../src/middleware/gzip';
import { PlainTextResponse, StreamingResponse } from '../../src/responses';
import { Route } from '../../src/routing';
import { EventSourceResponse } from '../../src/sse';
import { TestClient } from '../../src/testclient';
import { drive, fixedApp } from '../support/edges-driver';

const big = 'x'.repeat(4000);
const gz = { 'accept-encoding': 'gzip, deflate, br' };
const textType: [string, string] = ['content-type', 'text/plain; charset=utf-8'];

function bodyMessages(messages: SendMessage[]) {
  return messages.filter((m) => m.type === 'http.response.body') as { body?: Uint8Array; more_body?: boolean }[];
}

test('compresses a large body for a gzip client: encoding, exact length, vary', async () => {
  const app = new GZipMiddleware(fixedApp(200, [textType, ['content-length', '4000']], [big]));
  const res = await drive(app, { headers: gz });
  expect(res.status).toBe(200);
  expect(res.header('content-encoding')).toBe('gzip');
  expect(res.header('vary')).toBe('Accept-Encoding');
  expect(res.header('content-length')).toBe(String(res.body.length));
  expect(res.body.length).toBeLessThan(100);
  expect(gunzipSync(res.body).toString()).toBe(big);
});

test('leaves the body alone for a client without gzip, but still says Vary', async () => {
  const res = await drive(new GZipMiddleware(fixedApp(200, [textType, ['content-length', '4000']], [big])), { headers: { 'accept-encoding': 'br' } });
  expect(res.header('content-encoding')).toBeUndefined();
  expect(res.header('vary')).toBe('Accept-Encoding');
  expect(res.header('content-length')).toBe('4000');
  expect(res.text()).toBe(big);
  const none = await drive(new GZipMiddleware(fixedApp(200, [textType], [big])));
  expect(none.text()).toBe(big);
});

test('bodies under minimumSize are not compressed and get no Vary', async () => {
  const small = 'y'.repeat(499);
  const res = await drive(new GZipMiddleware(fixedApp(200, [textType, ['content-length', '499']], [small])), { headers: gz });
  expect(res.header('content-encoding')).toBeUndefined();
  expect(res.header('vary')).toBeUndefined();
  expect(res.text()).toBe(small);
  const atLimit = await drive(new GZipMiddleware(fixedApp(200, [textType], ['y'.repeat(500)])), { headers: gz });
  expect(atLimit.header('content-encoding')).toBe('gzip');
  const custom = await drive(new GZipMiddleware(fixedApp(200, [textType], ['z'.repeat(50)]), { minimumSize: 10 }), { headers: gz });
  expect(gunzipSync(custom.body).toString()).toBe('z'.repeat(50));
});

test('an empty body (204, HEAD-like) passes untouched', async () => {
  const res = await drive(new GZipMiddleware(fixedApp(204, [], [])), { headers: gz });
  expect(res.status).toBe(204);
  expect(res.headers).toEqual([]);
  expect(res.body.length).toBe(0);
});

test('a response that already has content-encoding is passed through', async () => {
  const res = await drive(new GZipMiddleware(fixedApp(200, [['content-encoding', 'br'], textType], [big])), { headers: gz });
  expect(res.header('content-encoding')).toBe('br');
  expect(res.header('vary')).toBeUndefined();
  expect(res.text()).toBe(big);
});

test('text/event-stream is never compressed, even streamed', async () => {
  const res = await drive(new GZipMiddleware(fixedApp(200, [['content-type', 'text/event-stream; charset=utf-8']], [big, big, ''])), { headers: gz });
  expect(res.header('content-encoding')).toBeUndefined();
  expect(bodyMessages(res.messages).map((m) => m.body?.length)).toEqual([4000, 4000, 0]);
});

test('a streamed body is compressed chunk by chunk, each chunk decodable on arrival (sync flush)', async () => {
  const chunks = ['first chunk of data ', 'second chunk ', 'third and final'];
  const app = new GZipMiddleware(fixedApp(200, [textType, ['content-length', '48']], chunks), { minimumSize: 1000 });
  const res = await drive(app, { headers: gz });
  expect(res.header('content-encoding')).toBe('gzip');
  expect(res.header('content-length')).toBeUndefined();
  expect(res.header('vary')).toBe('Accept-Encoding');
  const bodies = bodyMessages(res.messages);
  expect(bodies.map((m) => m.more_body)).toEqual([true, true, false]);
  // Each prefix of the compressed stream already inflates to everything sent so far.
  let seen = Buffer.alloc(0);
  for (let i = 0; i < 2; i++) {
    seen = Buffer.concat([seen, Buffer.from(bodies[i]!.body!)]);
    const inflated = zlib.gunzipSync(seen, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString();
    expect(inflated).toBe(chunks.slice(0, i + 1).join(''));
  }
  expect(gunzipSync(res.body).toString()).toBe(chunks.join(''));
});

test('a huge streamed body round-trips', async () => {
  const random = Buffer.alloc(3 * 1024 * 1024);
  for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
  const parts: Buffer[] = [];
  for (let i = 0; i < random.length; i += 256 * 1024) parts.push(random.subarray(i, i + 256 * 1024));
  const res = await drive(new GZipMiddleware(fixedApp(200, [['content-type', 'application/octet-stream']], parts), { compresslevel: 1 }), { headers: gz });
  expect(gunzipSync(res.body).equals(random)).toBe(true);
  expect(bodyMessages(res.messages)).toHaveLength(parts.length);
});

test('Vary is appended to an existing one', async () => {
  const res = await drive(new GZipMiddleware(fixedApp(200, [textType, ['vary', 'Origin']], [big])), { headers: gz });
  expect(res.headerAll('vary')).toEqual(['Origin, Accept-Encoding']);
});

test('compresslevel is validated', () => {
  expect(() => new GZipMiddleware(fixedApp(200, [], []), { compresslevel: 10 })).toThrow(
    'GZipMiddleware compresslevel must be an integer from 0 to 9, got 10',
  );
});

test('pathsend responses are not compressed', async () => {
  const app: ASGIApp = async (_scope, _receive, send) => {
    await send({ type: 'http.response.start', status: 200, headers: [textType] });
    await send({ type: 'http.response.pathsend', path: '/tmp/x' });
  };
  const res = await drive(new GZipMiddleware(app), { headers: gz });
  expect(res.messages).toEqual([
    { type: 'http.response.start', status: 200, headers: [textType] },
    { type: 'http.response.pathsend', path: '/tmp/x' },
  ]);
});

describe('in a Starlette app, through the TestClient', () => {
  const app = new Starlette({
    routes: [
      new Route('/big', () => new PlainTextResponse('x'.repeat(2000))),
      new Route('/small', () => new PlainTextResponse('tiny')),
      new Route('/stream', () => new StreamingResponse((function* () { for (let i = 0; i < 50; i++) yield `line ${i} ${'.'.repeat(40)}\n`; })(), { mediaType: 'text/plain' })),
      new Route('/events', () => new EventSourceResponse(['a', 'b'], { ping: 0 })),
    ],
    middleware: [new Middleware(GZipMiddleware, { minimumSize: 500 })],
  });
  const client = new TestClient(app);

  test('a big response is gzipped (the client decodes it), a small one is not', async () => {
    const big = await client.get('/big', { headers: { 'accept-encoding': 'gzip' } });
    expect(big.headers.get('content-encoding')).toBe('gzip');
    expect(big.headers.get('vary')).toBe('Accept-Encoding');
    expect(Number(big.headers.get('content-length'))).toBeLessThan(100);
    expect(big.text).toBe('x'.repeat(2000));
    const small = await client.get('/small', { headers: { 'accept-encoding': 'gzip' } });
    expect(small.headers.get('content-encoding')).toBeUndefined();
    expect(small.text).toBe('tiny');
  });

  test('a streaming response is gzipped, SSE is not', async () => {
    const stream = await client.get('/stream', { headers: { 'accept-encoding': 'gzip' } });
    expect(stream.headers.get('content-encoding')).toBe('gzip');
    expect(stream.text.split('\n')).toHaveLength(51);
    const events = await client.get('/events', { headers: { 'accept-encoding': 'gzip' } });
    expect(events.headers.get('content-encoding')).toBeUndefined();
    expect(events.text).toBe('data: a\r\n\r\ndata: b\r\n\r\n');
  });
});
