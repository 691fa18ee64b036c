import { existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { Agent, request as undiciRequest } from 'undici';

// A private agent, closed after the tests (the global one keeps sockets alive).
const agent = new Agent();
const request: typeof undiciRequest = ((url: string, options: object = {}) => undiciRequest(url, { ...options, dispatcher: agent })) as typeof undiciRequest;
afterAll(() => agent.close());
import { serve, type ServerHandle } from 'asgi-core';
import { Starlette } from '../src/applications';
import { StarletteError } from '../src/errors';
import { Headers } from '../src/headers';
import { liveTempFiles } from '../src/internal/tempfiles';
import type { Request } from '../src/requests';
import { JSONResponse } from '../src/responses';
import { Route } from '../src/routing';
import { TestClient } from '../src/testclient';
import { FormData, UploadFile } from '../src/uploads';
import { gc, peakMemoryGrowth } from './support/memory';

const MiB = 1024 * 1024;

describe('UploadFile', () => {
  test('stays in memory up to spoolMaxSize, then moves to a private temp file', async () => {
    const upload = new UploadFile({ filename: 'a.bin', spoolMaxSize: 10, headers: new Headers({ headers: { 'content-type': 'application/x-test' } }) });
    expect(upload.contentType).toBe('application/x-test');
    await upload.write(Buffer.from('0123456789'));
    expect(upload.inMemory).toBe(true);
    expect(liveTempFiles().size).toBe(0);
    await upload.write(Buffer.from('abc'));
    expect(upload.inMemory).toBe(false);
    expect(upload.size).toBe(13);
    const [path] = [...liveTempFiles()];
    expect(statSync(path!).size).toBe(13);
    expect(statSync(path!).mode & 0o777).toBe(0o600);
    expect((await upload.read()).toString()).toBe('0123456789abc');
    await upload.close();
    expect(existsSync(path!)).toBe(false);
    expect(liveTempFiles().size).toBe(0);
  });

  test('read(size), seek and tell move through the content, on disk and in memory', async () => {
    for (const spoolMaxSize of [1024, 4]) {
      const upload = new UploadFile({ spoolMaxSize });
      await upload.write(Buffer.from('hello '));
      await upload.write(new Uint8Array(Buffer.from('world')));
      expect(upload.tell()).toBe(0);
      expect((await upload.read(5)).toString()).toBe('hello');
      expect(upload.tell()).toBe(5);
      expect((await upload.read(100)).toString()).toBe(' world');
      expect((await upload.read()).length).toBe(0);
      await upload.seek(6);
      expect((await upload.read(-1)).toString()).toBe('world');
      await upload.seek(1000);
      expect((await upload.read()).length).toBe(0);
      await expect(upload.seek(-1)).rejects.toThrow('seek offset must be a non-negative integer, got -1');
      await upload.close();
    }
  });

  test('stream() yields chunks from the current position without loading everything', async () => {
    const upload = new UploadFile({ spoolMaxSize: 1000 });
    const data = Buffer.alloc(200_000, 'z');
    await upload.write(data);
    await upload.seek(0);
    const sizes: number[] = [];
    for await (const chunk of upload.stream()) sizes.push(chunk.length);
    expect(sizes).toEqual([65536, 65536, 65536, 3392]);
    await upload.seek(199_999);
    const tail: Buffer[] = [];
    for await (const chunk of upload.stream(10)) tail.push(chunk);
    expect(Buffer.concat(tail).toString()).toBe('z');
    await upload.close();
  });

  test('writes do not alias the caller buffer', async () => {
    const upload = new UploadFile();
    const buffer = Buffer.from('abc');
    await upload.write(buffer);
    buffer.write('xyz');
    expect((await upload.read()).toString()).toBe('abc');
  });

  test('a closed upload refuses I/O with a coded error; close is idempotent', async () => {
    const upload = new UploadFile({ filename: 'x.txt' });
    await upload.write(Buffer.from('x'));
    await upload.close();
    await upload.close();
    const error = await upload.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StarletteError);
    expect((error as StarletteError).code).toBe('UPLOAD_CLOSED');
    expect((error as Error).message).toBe('Cannot read UploadFile "x.txt": it is closed (read uploads before the form is closed)');
    await expect(upload.write(Buffer.from('y'))).rejects.toThrow('Cannot write UploadFile "x.txt": it is closed');
    expect(String(upload)).toBe('UploadFile(filename="x.txt", size=1, contentType=null)');
  });
});

describe('FormData', () => {
  test('is multi-valued: get returns the last value, getAll/getlist every value', async () => {
    const file = new UploadFile({ filename: 'f' });
    const form = new FormData([
      ['a', '1'],
      ['f', file],
      ['a', '2'],
    ]);
    expect(form.get('a')).toBe('2');
    expect(form.getAll('a')).toEqual(['1', '2']);
    expect(form.getlist('a')).toEqual(['1', '2']);
    expect(form.get('missing')).toBeUndefined();
    expect(form.keys()).toEqual(['a', 'f']);
    expect(form.entries()).toEqual([
      ['a', '1'],
      ['f', file],
      ['a', '2'],
    ]);
    expect(form.has('f')).toBe(true);
    expect([...form]).toEqual(['a', 'f']);
    expect(form.length).toBe(2);
  });

  test('close() closes every file and deletes temp files', async () => {
    const a = new UploadFile({ spoolMaxSize: 1 });
    const b = new UploadFile({ spoolMaxSize: 1 });
    await a.write(Buffer.from('aaaa'));
    await b.write(Buffer.from('bbbb'));
    expect(liveTempFiles().size).toBe(2);
    await new FormData([
      ['a', a],
      ['b', b],
      ['t', 'text'],
    ]).close();
    expect(liveTempFiles().size).toBe(0);
    await expect(a.read()).rejects.toThrow('it is closed');
  });
});

describe('request.form() in an app', () => {
  const app = new Starlette({
    routes: [
      new Route(
        '/form',
        async (request: Request) => {
          const form = await request.form({ maxFiles: 2, maxFields: 3 });
          const out: Record<string, unknown> = {};
          for (const [key, value] of form.entries()) {
            out[key] = typeof value === 'string' ? value : { filename: value.filename, size: value.size, type: value.contentType, text: (await value.read()).toString() };
          }
          await form.close();
          return new JSONResponse(out);
        },
        { methods: ['POST'] },
      ),
    ],
  });
  const client = new TestClient(app);

  test('urlencoded and multipart bodies are parsed', async () => {
    expect((await client.post('/form', { data: { a: '1', b: 'x y' } })).json()).toEqual({ a: '1', b: 'x y' });
    const res = await client.post('/form', { data: { note: 'hi' }, files: { doc: ['notes.txt', 'file body', 'text/plain'] } });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ note: 'hi', doc: { filename: 'notes.txt', size: 9, type: 'text/plain', text: 'file body' } });
  });

  test('a broken limit is a 400 with Starlette message', async () => {
    const res = await client.post('/form', { data: { a: '1', b: '2', c: '3', d: '4' } });
    expect(res.status).toBe(400);
    expect(res.text).toBe('Too many fields. Maximum number of fields is 3.');
    const files = await client.post('/form', { files: { a: ['a', 'x'], b: ['b', 'x'], c: ['c', 'x'] } });
    expect(files.status).toBe(400);
    expect(files.text).toBe('Too many files. Maximum number of files is 2.');
  });

  test('malformed multipart bodies are 400s', async () => {
    const noBoundary = await client.post('/form', { content: 'x', headers: { 'content-type': 'multipart/form-data' } });
    expect([noBoundary.status, noBoundary.text]).toEqual([400, 'Missing boundary in multipart.']);
    const truncated = await client.post('/form', {
      content: '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nval',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    });
    expect([truncated.status, truncated.text]).toEqual([400, 'Unexpected end of form.']);
    expect(liveTempFiles().size).toBe(0);
  });
});

describe('a 50 MB upload over a real socket', () => {
  let handle: ServerHandle;
  let seen: { size: number; inMemory: boolean; tempFileSize: number; sample: string } | null = null;
  const TOTAL = 50 * MiB;

  beforeAll(async () => {
    const app = new Starlette({
      routes: [
        new Route(
          '/upload',
          async (request: Request) => {
            const form = await request.form();
            const upload = form.get('file') as UploadFile;
            const [path] = [...liveTempFiles()];
            await upload.seek(TOTAL - 4);
            seen = { size: upload.size, inMemory: upload.inMemory, tempFileSize: path ? statSync(path).size : -1, sample: (await upload.read()).toString('hex') };
            await form.close();
            return new JSONResponse({ ok: true, size: seen.size });
          },
          { methods: ['POST'] },
        ),
      ],
    });
    handle = await serve(app, { port: 0, host: '127.0.0.1', lifespan: 'off', accessLog: false, logLevel: 'critical' });
  });

  afterAll(async () => {
    await handle?.close();
  });

  test('streams to disk without growing memory by more than a few MB, and the temp file is removed', async () => {
    const boundary = 'big-upload-boundary';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const chunk = Buffer.alloc(64 * 1024, 0xab);
    async function* body() {
      yield head;
      for (let sent = 0; sent < TOTAL; sent += chunk.length) yield chunk;
      yield tail;
    }
    const { growth } = await peakMemoryGrowth(async () => {
      const res = await request(`${handle.url}/upload`, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + TOTAL + tail.length) },
        body: Readable.from(body()),
      });
      expect(res.statusCode).toBe(200);
      expect(await res.body.json()).toEqual({ ok: true, size: TOTAL });
    });
    expect(seen).toEqual({ size: TOTAL, inMemory: false, tempFileSize: TOTAL, sample: 'abababab' });
    // The whole body is 50 MB: holding it would show here.
    expect(growth).toBeLessThan(12 * MiB);
    expect(liveTempFiles().size).toBe(0);
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith(`starlette-ts-upload-${process.pid}-`))).toEqual([]);
  }, 60_000);
});

test('an upload dropped without close() loses its temp file once garbage-collected', async () => {
  let path: string | undefined;
  await (async () => {
    const upload = new UploadFile({ spoolMaxSize: 1 });
    await upload.write(Buffer.from('abc'));
    [path] = [...liveTempFiles()];
  })();
  expect(existsSync(path!)).toBe(true);
  for (let i = 0; i < 20 && existsSync(path!); i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(existsSync(path!)).toBe(false);
  expect(liveTempFiles().size).toBe(0);
});
