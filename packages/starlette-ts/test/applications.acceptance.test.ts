/**
 * The acceptance app: Route with {n:int}, a Mount of StaticFiles, CORS and GZip
 * middleware, a background task, an HTTPException, StreamingResponse and RedirectResponse,
 * checked under TestClient and on asgi-core's `serve` with the same expectations.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { serve, type ServerHandle } from 'asgi-core';
import { request } from 'undici';
import {
  BackgroundTask,
  CORSMiddleware,
  GZipMiddleware,
  HTTPException,
  JSONResponse,
  Middleware,
  Mount,
  RedirectResponse,
  Request,
  Route,
  Starlette,
  StaticFiles,
  StreamingResponse,
  TestClient,
} from '../src';

const directory = mkdtempSync(join(tmpdir(), 'starlette-acceptance-'));
writeFileSync(join(directory, 'hello.txt'), 'static hello\n');
const tasks: string[] = [];

const app = new Starlette({
  routes: [
    new Route('/items/{n:int}', (request: Request) => {
      const n = request.pathParams.n as number;
      if (n === 0) throw new HTTPException(404, 'Item not found');
      return new JSONResponse({ n, double: n * 2 }, { background: new BackgroundTask((x: number) => void tasks.push(`item ${x}`), n) });
    }),
    new Route('/numbers', () => new StreamingResponse((async function* () {
      for (let i = 0; i < 200; i++) yield `number ${i}\n`;
    })(), { mediaType: 'text/plain' })),
    new Route('/old', () => new RedirectResponse('/items/1')),
    new Mount('/static', new StaticFiles({ directory }), { name: 'static' }),
  ],
  middleware: [
    new Middleware(CORSMiddleware, { allowOrigins: ['https://example.org'] }),
    new Middleware(GZipMiddleware, { minimumSize: 100 }),
  ],
});

const numbers = Array.from({ length: 200 }, (_, i) => `number ${i}\n`).join('');

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('under TestClient', () => {
  const client = new TestClient(app);

  test('route with an int convertor, a background task and CORS', async () => {
    const r = await client.get('/items/21', { headers: { origin: 'https://example.org' } });
    expect([r.status, r.json()]).toEqual([200, { n: 21, double: 42 }]);
    expect(r.headers.get('access-control-allow-origin')).toBe('https://example.org');
    expect(tasks).toContain('item 21');
    expect((await client.get('/items/x')).status).toBe(404);
  });

  test('HTTPException, redirect and static files', async () => {
    const missing = await client.get('/items/0');
    expect([missing.status, missing.text]).toEqual([404, 'Item not found']);
    const redirected = await client.get('/old');
    expect([redirected.status, redirected.url, redirected.history[0].status]).toEqual([200, 'http://testserver/items/1', 307]);
    const file = await client.get('/static/hello.txt');
    expect([file.status, file.text, file.headers.get('content-type')]).toEqual([200, 'static hello\n', 'text/plain; charset=utf-8']);
    expect((await client.get('/static/../secret')).status).toBe(404);
  });

  test('streaming through GZip', async () => {
    const r = await client.get('/numbers');
    expect(r.headers.get('content-encoding')).toBe('gzip');
    expect(r.text).toBe(numbers);
  });
});

describe('on asgi-core serve', () => {
  let handle: ServerHandle;
  beforeAll(async () => {
    handle = await serve(app, { host: '127.0.0.1', port: 0, accessLog: false, logSink: () => {} });
  });
  afterAll(async () => handle.close());

  test('behaves as under TestClient', async () => {
    const item = await request(`${handle.url}/items/21`, { headers: { origin: 'https://example.org' } });
    expect([item.statusCode, item.headers['access-control-allow-origin'], await item.body.json()]).toEqual([
      200, 'https://example.org', { n: 21, double: 42 },
    ]);
    const missing = await request(`${handle.url}/items/0`);
    expect([missing.statusCode, await missing.body.text()]).toEqual([404, 'Item not found']);
    const redirect = await request(`${handle.url}/old`);
    expect([redirect.statusCode, redirect.headers.location]).toEqual([307, '/items/1']);
    await redirect.body.dump();
    const file = await request(`${handle.url}/static/hello.txt`);
    expect([file.statusCode, await file.body.text()]).toEqual([200, 'static hello\n']);
    const stream = await request(`${handle.url}/numbers`, { headers: { 'accept-encoding': 'gzip' } });
    expect(stream.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(Buffer.from(await stream.body.arrayBuffer())).toString()).toBe(numbers);
  });
});
