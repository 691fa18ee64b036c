import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ASGIApp, type Send, type ServerHandle } from 'asgi-core';
import { Agent, request as undiciRequest } from 'undici';

// A private agent, closed after the tests (the global one keeps sockets alive).
const agent = new Agent();
const request: typeof undiciRequest = ((url: string, options: object = {}) => undiciRequest(url, { ...options, dispatcher: agent })) as typeof undiciRequest;
afterAll(() => agent.close());
import { BackgroundTask } from '../src/background';
import { StarletteError } from '../src/errors';
import { FileResponse } from '../src/file-response';
import { drive } from './support/edges-driver';

let dir: string;
let textPath: string;
let bigPath: string;
const TEXT = 'Hello, file response!\n'; // 22 bytes
const big = Buffer.alloc(200_000);
for (let i = 0; i < big.length; i++) big[i] = (i * 31) % 251;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'file-response-'));
  textPath = join(dir, 'hello.txt');
  bigPath = join(dir, 'big.bin');
  writeFileSync(textPath, TEXT);
  writeFileSync(bigPath, big);
  mkdirSync(join(dir, 'folder'));
  const fixed = new Date('2024-03-01T12:00:00Z');
  utimesSync(textPath, fixed, fixed);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LAST_MODIFIED = 'Fri, 01 Mar 2024 12:00:00 GMT';

test('sends the file with type, length, validators and accept-ranges', async () => {
  const res = await drive(new FileResponse(textPath));
  expect(res.status).toBe(200);
  expect(res.text()).toBe(TEXT);
  expect(res.header('content-type')).toBe('text/plain; charset=utf-8');
  expect(res.header('content-length')).toBe('22');
  expect(res.header('accept-ranges')).toBe('bytes');
  expect(res.header('last-modified')).toBe(LAST_MODIFIED);
  expect(res.header('etag')).toMatch(/^"[0-9a-f]{32}"$/);
  expect(res.header('content-disposition')).toBeUndefined();
});

test('the etag changes when the file changes', async () => {
  const path = join(dir, 'changing.txt');
  writeFileSync(path, 'one');
  const first = (await drive(new FileResponse(path))).header('etag');
  writeFileSync(path, 'three');
  const second = (await drive(new FileResponse(path))).header('etag');
  expect(first).not.toBe(second);
});

test('media types are guessed from the filename, then the path, else octet-stream', async () => {
  expect((await drive(new FileResponse(textPath, { filename: 'data.json' }))).header('content-type')).toBe('application/json');
  expect((await drive(new FileResponse(bigPath))).header('content-type')).toBe('application/octet-stream');
  expect((await drive(new FileResponse(bigPath, { mediaType: 'image/png' }))).header('content-type')).toBe('image/png');
});

test('content-disposition: a plain filename is quoted, a non-ASCII one uses filename* (RFC 5987)', async () => {
  expect((await drive(new FileResponse(textPath, { filename: 'report.txt' }))).header('content-disposition')).toBe(
    'attachment; filename="report.txt"',
  );
  expect((await drive(new FileResponse(textPath, { filename: 'résumé 2024.txt' }))).header('content-disposition')).toBe(
    "attachment; filename*=utf-8''r%C3%A9sum%C3%A9%202024.txt",
  );
  expect(
    (await drive(new FileResponse(textPath, { filename: 'a.txt', contentDispositionType: 'inline' }))).header('content-disposition'),
  ).toBe('inline; filename="a.txt"');
});

test('a big file is streamed in 64 KiB chunks, the last one closing the body', async () => {
  const res = await drive(new FileResponse(bigPath));
  const bodies = res.messages.filter((m) => m.type === 'http.response.body') as { body: Uint8Array; more_body: boolean }[];
  expect(bodies.map((b) => b.body.length)).toEqual([65536, 65536, 65536, 3392]);
  expect(bodies.map((b) => b.more_body)).toEqual([true, true, true, false]);
  expect(res.body.equals(big)).toBe(true);
  expect(res.header('content-length')).toBe('200000');
});

test('HEAD sends the headers with the real length and no body', async () => {
  const res = await drive(new FileResponse(bigPath), { method: 'HEAD' });
  expect(res.status).toBe(200);
  expect(res.header('content-length')).toBe('200000');
  expect(res.body.length).toBe(0);
  const viaOption = await drive(new FileResponse(bigPath, { method: 'HEAD' }));
  expect(viaOption.body.length).toBe(0);
});

test('an empty file sends one empty final body', async () => {
  const path = join(dir, 'empty.txt');
  writeFileSync(path, '');
  const res = await drive(new FileResponse(path));
  expect(res.header('content-length')).toBe('0');
  expect(res.messages.filter((m) => m.type === 'http.response.body')).toEqual([{ type: 'http.response.body', body: new Uint8Array(0), more_body: false }]);
});

describe('conditional requests', () => {
  test('a matching If-None-Match gives 304 with only the cache headers', async () => {
    const etag = (await drive(new FileResponse(textPath))).header('etag')!;
    const res = await drive(new FileResponse(textPath, { headers: { 'cache-control': 'max-age=60', 'x-other': '1' } }), {
      headers: { 'if-none-match': `"nope", W/${etag}` },
    });
    expect(res.status).toBe(304);
    expect(res.headers).toEqual([
      ['cache-control', 'max-age=60'],
      ['etag', etag],
    ]);
    expect(res.body.length).toBe(0);
    expect((await drive(new FileResponse(textPath), { headers: { 'if-none-match': '*' } })).status).toBe(304);
  });

  test('a different If-None-Match gives the file, and beats If-Modified-Since', async () => {
    const res = await drive(new FileResponse(textPath), {
      headers: { 'if-none-match': '"other"', 'if-modified-since': 'Sat, 01 Jan 2050 00:00:00 GMT' },
    });
    expect(res.status).toBe(200);
    expect(res.text()).toBe(TEXT);
  });

  test('If-Modified-Since at or after Last-Modified gives 304, before it or invalid gives 200', async () => {
    expect((await drive(new FileResponse(textPath), { headers: { 'if-modified-since': LAST_MODIFIED } })).status).toBe(304);
    expect((await drive(new FileResponse(textPath), { headers: { 'if-modified-since': 'Fri, 01 Mar 2024 11:59:59 GMT' } })).status).toBe(200);
    expect((await drive(new FileResponse(textPath), { headers: { 'if-modified-since': 'not a date' } })).status).toBe(200);
  });

  test('conditions do not apply to non-200 statuses or POST', async () => {
    const etag = (await drive(new FileResponse(textPath))).header('etag')!;
    expect((await drive(new FileResponse(textPath, { status: 404 }), { headers: { 'if-none-match': etag } })).status).toBe(404);
    expect((await drive(new FileResponse(textPath), { method: 'POST', headers: { 'if-none-match': etag } })).status).toBe(200);
  });
});

describe('ranges', () => {
  const get = (range: string, extra: Record<string, string> = {}) => drive(new FileResponse(textPath), { headers: { range, ...extra } });

  test('a single range gives 206 with content-range and length', async () => {
    const res = await get('bytes=0-4');
    expect(res.status).toBe(206);
    expect(res.text()).toBe('Hello');
    expect(res.header('content-range')).toBe('bytes 0-4/22');
    expect(res.header('content-length')).toBe('5');
    expect(res.header('content-type')).toBe('text/plain; charset=utf-8');
  });

  test('open-ended, suffix and past-the-end ranges are clamped', async () => {
    expect((await get('bytes=7-')).text()).toBe('file response!\n');
    expect((await get('bytes=-6')).text()).toBe('onse!\n');
    expect((await get('bytes=-100')).text()).toBe(TEXT);
    const res = await get('bytes=20-1000');
    expect(res.header('content-range')).toBe('bytes 20-21/22');
    expect(res.text()).toBe('!\n');
  });

  test('a range inside a big file reads only that slice', async () => {
    const res = await drive(new FileResponse(bigPath), { headers: { range: 'bytes=100000-170000' } });
    expect(res.status).toBe(206);
    expect(res.body.equals(big.subarray(100000, 170001))).toBe(true);
    expect(res.header('content-length')).toBe('70001');
  });

  test('several ranges give multipart/byteranges with an exact content-length', async () => {
    const res = await get('bytes=0-4, 7-10');
    expect(res.status).toBe(206);
    const match = /^multipart\/byteranges; boundary=([0-9a-f]{26})$/.exec(res.header('content-type')!);
    expect(match).not.toBeNull();
    const b = match![1];
    expect(res.text()).toBe(
      `--${b}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 0-4/22\r\n\r\nHello\r\n` +
        `--${b}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 7-10/22\r\n\r\nfile\r\n--${b}--`,
    );
    expect(res.header('content-length')).toBe(String(res.body.length));
  });

  test('overlapping ranges are merged', async () => {
    const res = await get('bytes=5-9,0-6,15-16,16-18');
    const b = /boundary=(\w+)/.exec(res.header('content-type')!)![1];
    expect(res.text()).toBe(
      `--${b}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 0-9/22\r\n\r\nHello, fil\r\n` +
        `--${b}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 15-18/22\r\n\r\npons\r\n--${b}--`,
    );
    expect(res.header('content-length')).toBe(String(res.body.length));
  });

  test.each([
    ['garbage', 'Malformed range header.'],
    ['items=0-1', 'Only support bytes range'],
    ['bytes=abc', 'Range header: range must be requested'],
    ['bytes=-', 'Range header: range must be requested'],
    ['bytes=,,,', 'Range header: range must be requested'],
    ['bytes=x-y', 'Range header: range must be requested'],
    ['bytes=5-2', 'Range header: start must be less than end'],
  ])('a malformed Range %j gives 400 %j', async (range, message) => {
    const res = await get(range);
    expect(res.status).toBe(400);
    expect(res.text()).toBe(message);
    expect(res.header('content-type')).toBe('text/plain; charset=utf-8');
  });

  test.each(['bytes=22-', 'bytes=100-200', 'bytes=0-1,99-100', 'bytes=99999999999999999999-'])(
    'an unsatisfiable Range %j gives 416 with content-range bytes */size',
    async (range) => {
      const res = await get(range);
      expect(res.status).toBe(416);
      expect(res.header('content-range')).toBe('bytes */22');
      expect(res.body.length).toBe(0);
    },
  );

  test('If-Range with the current validator honours the range, a stale one sends the whole file', async () => {
    const etag = (await drive(new FileResponse(textPath))).header('etag')!;
    expect((await get('bytes=0-4', { 'if-range': etag })).status).toBe(206);
    expect((await get('bytes=0-4', { 'if-range': LAST_MODIFIED })).status).toBe(206);
    const stale = await get('bytes=0-4', { 'if-range': '"stale"' });
    expect(stale.status).toBe(200);
    expect(stale.text()).toBe(TEXT);
  });

  test('HEAD with a range sends the 206 headers only', async () => {
    const res = await drive(new FileResponse(textPath), { method: 'HEAD', headers: { range: 'bytes=0-4' } });
    expect(res.status).toBe(206);
    expect(res.header('content-length')).toBe('5');
    expect(res.body.length).toBe(0);
  });

  test('a non-200 response ignores Range', async () => {
    const res = await drive(new FileResponse(textPath, { status: 404 }), { headers: { range: 'bytes=0-4' } });
    expect(res.status).toBe(404);
    expect(res.text()).toBe(TEXT);
  });
});

test('a missing file fails when sent, with a clear error', async () => {
  const missing = join(dir, 'missing.txt');
  const error = await drive(new FileResponse(missing)).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StarletteError);
  expect((error as StarletteError).code).toBe('FILE_NOT_FOUND');
  expect((error as Error).message).toBe(`File at path ${missing} does not exist.`);
  await expect(drive(new FileResponse(join(dir, 'folder')))).rejects.toThrow(`File at path ${join(dir, 'folder')} is not a file.`);
});

test('a file deleted after stat fails with the same error', async () => {
  const path = join(dir, 'vanishing.txt');
  writeFileSync(path, 'x');
  const response = new FileResponse(path, { stat: statSync(path) });
  rmSync(path);
  await expect(drive(response)).rejects.toThrow(`File at path ${path} does not exist.`);
});

test('with the pathsend extension the server is handed the path', async () => {
  const res = await drive(new FileResponse(textPath), { extra: { extensions: { 'http.response.pathsend': {} } } });
  expect(res.messages[1]).toEqual({ type: 'http.response.pathsend', path: textPath });
});

test('the background task runs after the body is sent', async () => {
  const order: string[] = [];
  const response = new FileResponse(textPath, { background: new BackgroundTask(() => order.push('task')) });
  const res = await drive(response);
  order.push('done');
  expect(res.text()).toBe(TEXT);
  expect(order).toEqual(['task', 'done']);
});

describe('over a real socket', () => {
  let handle: ServerHandle;
  let hugePath: string;
  let stalledPath: string;
  const HUGE = 8 * 1024 * 1024;
  // Loopback socket buffers autotune to several MiB per direction, so the backpressure test needs a
  // file far larger than anything the kernel could absorb: 64 MiB is 1024 chunks of 64 KiB.
  const STALLED = 64 * 1024 * 1024;
  const CHUNK = 64 * 1024;
  let completedSends = 0;

  beforeAll(async () => {
    hugePath = join(dir, 'huge.bin');
    const data = Buffer.alloc(HUGE);
    for (let i = 0; i < HUGE; i += 4096) data[i] = i % 256;
    writeFileSync(hugePath, data);
    stalledPath = join(dir, 'stalled.bin');
    writeFileSync(stalledPath, Buffer.alloc(STALLED, 0xee));
    const app: ASGIApp = async (scope, receive, send) => {
      if (scope.type !== 'http') return;
      const path =
        scope.path === '/huge' ? hugePath : scope.path === '/stalled' ? stalledPath : scope.path === '/missing' ? join(dir, 'nope.bin') : textPath;
      const counting: Send = async (message) => {
        await send(message);
        if (message.type === 'http.response.body') completedSends += 1;
      };
      // Without pathsend, so the app streams the file itself.
      const bare = { ...scope, extensions: {} };
      await new FileResponse(path)(scope.query_string === 'pathsend' ? scope : bare, receive, counting);
    };
    handle = await serve(app, { port: 0, host: '127.0.0.1', lifespan: 'off', accessLog: false, logLevel: 'critical' });
  });

  afterAll(async () => {
    await handle?.close();
  });

  test('a file arrives intact with its headers, streamed or via pathsend', async () => {
    for (const query of ['', '?pathsend']) {
      const res = await request(`${handle.url}/huge${query}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-length']).toBe(String(HUGE));
      expect(res.headers['content-type']).toBe('application/octet-stream');
      const body = Buffer.from(await res.body.arrayBuffer());
      expect(body.length).toBe(HUGE);
      expect(body[4096]).toBe(0);
      expect(body[8192 * 3]).toBe((8192 * 3) % 256);
    }
  });

  test('a range request over the socket', async () => {
    const res = await request(`${handle.url}/text`, { headers: { range: 'bytes=7-10' } });
    expect(res.statusCode).toBe(206);
    expect(res.headers['content-range']).toBe('bytes 7-10/22');
    expect(await res.body.text()).toBe('file');
  });

  test('sends wait for the client: a reader that stops reading stops the disk reads (backpressure)', async () => {
    completedSends = 0;
    const res = await request(`${handle.url}/stalled`);
    await sleep(300);
    // Without backpressure all 1024 chunks would be read and sent at once; with it, only what the
    // socket buffers take (a few MiB) is.
    expect(completedSends).toBeLessThan(STALLED / CHUNK / 2);
    const body = Buffer.from(await res.body.arrayBuffer());
    expect(body.length).toBe(STALLED);
    expect(completedSends).toBe(STALLED / CHUNK);
  });

  test('a file missing at send time is a 500 from the server, not a hang', async () => {
    const res = await request(`${handle.url}/missing`);
    expect(res.statusCode).toBe(500);
    await res.body.dump();
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
