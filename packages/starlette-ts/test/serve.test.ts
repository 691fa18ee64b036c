/**
 * Protocol behaviour over real sockets: a Starlette app served by asgi-core's `serve`,
 * driven by undici, raw `net` sockets and `ws`.
 */
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { serve, type ServerHandle } from 'asgi-core';
import { request } from 'undici';
import WebSocketClient from 'ws';
import {
  BackgroundTask,
  HTTPException,
  JSONResponse,
  PlainTextResponse,
  RedirectResponse,
  Request,
  Route,
  Starlette,
  StreamingResponse,
  WebSocket,
  WebSocketRoute,
} from '../src';

const events: string[] = [];
let streamCleanedUp: () => void;
const streamCleaned = new Promise<void>((r) => (streamCleanedUp = r));
let ticks = 0;

async function* ticker() {
  try {
    while (true) {
      ticks++;
      yield `tick ${ticks}\n`;
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    streamCleanedUp();
  }
}

const app = new Starlette({
  routes: [
    new Route('/items/{n:int}', (r: Request) => new JSONResponse({ n: r.pathParams.n, db: r.state.db })),
    new Route('/forbidden', () => {
      throw new HTTPException(403, 'Forbidden here', { 'x-why': 'test' });
    }),
    new Route('/old', () => new RedirectResponse('/items/1')),
    new Route('/finite', () => new StreamingResponse((async function* () {
      for (let i = 0; i < 3; i++) yield `chunk ${i}\n`;
    })(), { mediaType: 'text/plain' })),
    new Route('/forever', () => new StreamingResponse(ticker(), { mediaType: 'text/plain' })),
    new Route('/task', () => new PlainTextResponse('accepted', { status: 202, background: new BackgroundTask(() => void events.push('task ran')) })),
    new Route('/echo', async (r: Request) => new PlainTextResponse(Buffer.from(await r.body()).toString().toUpperCase()), { methods: ['POST'] }),
    new Route('/stream-echo', (r: Request) => new StreamingResponse((async function* () {
      for await (const chunk of r.stream()) if (chunk.byteLength > 0) yield Buffer.from(chunk).toString().toUpperCase();
    })()), { methods: ['POST'] }),
    new WebSocketRoute('/ws', async (ws: WebSocket) => {
      await ws.accept();
      for await (const text of ws.iterText()) await ws.sendText(`echo: ${text}`);
    }),
  ],
  lifespan: async function* () {
    events.push('startup');
    yield { db: 'ready' };
    events.push('shutdown');
  },
});

let handle: ServerHandle;

beforeAll(async () => {
  handle = await serve(app, { host: '127.0.0.1', port: 0, accessLog: false, logSink: () => {} });
});

afterAll(async () => {
  await handle.close();
  expect(events).toContain('shutdown');
});

test('routes, converts path params and exposes lifespan state over HTTP', async () => {
  expect(events[0]).toBe('startup');
  const r = await request(`${handle.url}/items/42`);
  expect(r.statusCode).toBe(200);
  expect(r.headers['content-type']).toBe('application/json');
  expect(await r.body.json()).toEqual({ n: 42, db: 'ready' });
  const miss = await request(`${handle.url}/items/abc`);
  expect([miss.statusCode, await miss.body.text()]).toEqual([404, 'Not Found']);
});

test('HTTPException and redirects keep their status and headers', async () => {
  const r = await request(`${handle.url}/forbidden`);
  expect([r.statusCode, r.headers['x-why'], await r.body.text()]).toEqual([403, 'test', 'Forbidden here']);
  const redirect = await request(`${handle.url}/old`);
  expect([redirect.statusCode, redirect.headers.location]).toEqual([307, '/items/1']);
  await redirect.body.text();
});

test('request bodies are read and background tasks run after the response', async () => {
  const r = await request(`${handle.url}/echo`, { method: 'POST', body: 'shout' });
  expect(await r.body.text()).toBe('SHOUT');
  const t = await request(`${handle.url}/task`);
  expect([t.statusCode, await t.body.text()]).toEqual([202, 'accepted']);
  for (let i = 0; i < 50 && !events.includes('task ran'); i++) await new Promise((r) => setTimeout(r, 5));
  expect(events).toContain('task ran');
});

test('a finite stream arrives chunked and complete', async () => {
  const r = await request(`${handle.url}/finite`);
  expect(r.headers['transfer-encoding']).toBe('chunked');
  expect(r.headers['content-length']).toBeUndefined();
  expect(await r.body.text()).toBe('chunk 0\nchunk 1\nchunk 2\n');
});

test('streaming response stops the generator when the client disconnects', async () => {
  const socket = connect(Number(new globalThis.URL(handle.url).port), '127.0.0.1');
  await new Promise<void>((r) => socket.once('connect', () => r()));
  socket.write('GET /forever HTTP/1.1\r\nHost: test\r\n\r\n');
  let received = '';
  await new Promise<void>((resolve) => {
    socket.on('data', (chunk) => {
      received += chunk.toString();
      if (received.includes('tick 3')) resolve();
    });
  });
  socket.destroy();
  await streamCleaned;
  const ticksAtCleanup = ticks;
  await new Promise((r) => setTimeout(r, 50));
  expect(received.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
  expect(ticks).toBe(ticksAtCleanup);
});

test('a streaming response can echo a streamed upload chunk by chunk', async () => {
  async function* upload() {
    for (const part of ['alpha ', 'beta ', 'gamma']) {
      yield Buffer.from(part);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const r = await request(`${handle.url}/stream-echo`, { method: 'POST', body: Readable.from(upload()) });
  expect([r.statusCode, await r.body.text()]).toEqual([200, 'ALPHA BETA GAMMA']);
});

test('websocket echo over a real connection', async () => {
  const ws = new WebSocketClient(`${handle.url.replace('http', 'ws')}/ws`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const reply = new Promise<string>((resolve) => ws.once('message', (data) => resolve(data.toString())));
  ws.send('ping');
  expect(await reply).toBe('echo: ping');
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.close(1000);
  expect(await closed).toBe(1000);
});
