// maxBodySize over a real server (asgi-core `serve` on port 0, undici and raw sockets):
// the default 1 MiB limit, declared and chunked bodies, a body exactly at the limit,
// a raised and a lowered limit, and what happens to the connection after a 413.
import 'reflect-metadata';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { serve, type ServerHandle } from 'asgi-core';
import { request } from 'undici';
import { z } from 'zod';
import { Body, FastAPI, Request } from '../src';

const MiB = 1024 * 1024;
const TOO_LARGE = '{"detail":"Request body too large"}';

/** A JSON body `{"data":"xxx…"}` of exactly `size` bytes. */
function jsonOfSize(size: number): string {
  const body = `{"data":"${'x'.repeat(size - 11)}"}`;
  if (Buffer.byteLength(body) !== size) throw new Error('bad size');
  return body;
}

/** The same bytes cut into `parts` chunks with no content-length (undici sends them chunked). */
function chunked(body: string, parts: number): Readable {
  const bytes = Buffer.from(body);
  const size = Math.ceil(bytes.byteLength / parts);
  return Readable.from(Array.from({ length: parts }, (_, i) => bytes.subarray(i * size, (i + 1) * size)));
}

function appWith(maxBodySize?: number): FastAPI {
  const app = new FastAPI(maxBodySize === undefined ? {} : { maxBodySize });
  app.post('/items/', { params: { item: Body(z.object({ data: z.string() })) } }, ({ item }) => ({ length: item.data.length }));
  app.post('/raw/', { params: { request: Request } }, async ({ request }) => ({ size: (await request.body()).byteLength }));
  app.get('/ok', {}, () => ({ ok: true }));
  return app;
}

const handles: ServerHandle[] = [];
let defaultUrl: string;
let raisedUrl: string;
let loweredUrl: string;

beforeAll(async () => {
  for (const limit of [undefined, 2 * MiB, 100]) {
    handles.push(await serve(appWith(limit), { host: '127.0.0.1', port: 0, lifespan: 'off', accessLog: false, logLevel: 'critical' }));
  }
  [defaultUrl, raisedUrl, loweredUrl] = handles.map((h) => h.url);
});

afterAll(async () => {
  await Promise.all(handles.map((h) => h.close()));
});

async function post(url: string, body: string | Readable, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const r = await request(url, { method: 'POST', body, headers });
  return { status: r.statusCode, contentType: r.headers['content-type'], body: await r.body.text() };
}

describe('the default limit is 1 MiB', () => {
  test('a JSON body exactly at 1 MiB is accepted', async () => {
    expect(await post(`${defaultUrl}/items/`, jsonOfSize(MiB))).toEqual({ status: 200, contentType: 'application/json', body: `{"length":${MiB - 11}}` });
  });

  test('a JSON body one byte over, with its content-length, is 413 with the exact body', async () => {
    expect(await post(`${defaultUrl}/items/`, jsonOfSize(MiB + 1))).toEqual({ status: 413, contentType: 'application/json', body: TOO_LARGE });
  });

  test('a chunked body that grows over 1 MiB is 413; one that stays at 1 MiB is accepted', async () => {
    expect(await post(`${defaultUrl}/items/`, chunked(jsonOfSize(MiB + 1), 16))).toEqual({ status: 413, contentType: 'application/json', body: TOO_LARGE });
    expect(await post(`${defaultUrl}/items/`, chunked(jsonOfSize(MiB), 16))).toEqual({ status: 200, contentType: 'application/json', body: `{"length":${MiB - 11}}` });
  });

  test('a handler reading request.body() itself is bound by the same limit', async () => {
    const raw = { 'content-type': 'application/octet-stream' };
    expect(await post(`${defaultUrl}/raw/`, 'x'.repeat(MiB), raw)).toMatchObject({ status: 200, body: `{"size":${MiB}}` });
    expect(await post(`${defaultUrl}/raw/`, 'x'.repeat(MiB + 1), raw)).toMatchObject({ status: 413, body: TOO_LARGE });
    expect(await post(`${defaultUrl}/raw/`, chunked('x'.repeat(3 * MiB), 48), raw)).toMatchObject({ status: 413, body: TOO_LARGE });
  });
});

describe('the limit is configurable', () => {
  test('raised to 2 MiB: 1.5 MiB and exactly 2 MiB pass, one byte more is 413', async () => {
    expect(await post(`${raisedUrl}/items/`, jsonOfSize(1.5 * MiB))).toMatchObject({ status: 200, body: `{"length":${1.5 * MiB - 11}}` });
    expect(await post(`${raisedUrl}/items/`, jsonOfSize(2 * MiB))).toMatchObject({ status: 200, body: `{"length":${2 * MiB - 11}}` });
    expect(await post(`${raisedUrl}/items/`, jsonOfSize(2 * MiB + 1))).toMatchObject({ status: 413, body: TOO_LARGE });
    expect(await post(`${raisedUrl}/items/`, chunked(jsonOfSize(2 * MiB + 1), 8))).toMatchObject({ status: 413, body: TOO_LARGE });
  });

  test('lowered to 100 bytes: exactly 100 passes, 101 is 413, declared or chunked', async () => {
    expect(await post(`${loweredUrl}/items/`, jsonOfSize(100))).toMatchObject({ status: 200, body: '{"length":89}' });
    expect(await post(`${loweredUrl}/items/`, chunked(jsonOfSize(100), 4))).toMatchObject({ status: 200, body: '{"length":89}' });
    expect(await post(`${loweredUrl}/items/`, jsonOfSize(101))).toMatchObject({ status: 413, body: TOO_LARGE });
    expect(await post(`${loweredUrl}/items/`, chunked(jsonOfSize(101), 4))).toMatchObject({ status: 413, body: TOO_LARGE });
  });
});

describe('the connection after a 413', () => {
  /** Writes `parts` on one socket in order; returns everything the server wrote until it closed (or went idle). */
  function exchange(port: number, parts: string[], idleMs = 1500): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let received = '';
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        clearTimeout(timer);
        socket.destroy();
        resolve(received);
      };
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
        clearTimeout(timer);
        timer = setTimeout(finish, idleMs); // keep-alive: the server may legitimately keep the socket open
      });
      socket.on('close', finish);
      socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? finish() : reject(error)));
      socket.on('connect', () => {
        for (const part of parts) socket.write(part);
      });
    });
  }

  test('the refused body is discarded, never parsed as requests, and the connection serves the next request', async () => {
    const port = (handles[2].address as { port: number }).port;
    // The "body" is itself a complete request: if the server stopped reading at the 413 and
    // parsed on, it would answer GET /ok a second time.
    const smuggled = 'GET /ok HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(20);
    const head = `POST /raw/ HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${smuggled.length}\r\n\r\n`;
    const received = await exchange(port, [head, smuggled, 'GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    const statuses = [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
    expect(received).toContain(TOO_LARGE);
    // As uvicorn: the connection stays open, the unread body is read and discarded, and only
    // the one real GET after it is answered.
    expect(statuses).toEqual([413, 200]);
    expect(received.split('{"ok":true}')).toHaveLength(2);
  });
});
