// Form data and files (tutorial/request_forms, request_files, request_forms_and_files), ported.
import 'reflect-metadata';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { serve, type ServerHandle } from 'asgi-core';
import { Agent, request } from 'undici';
import { z } from 'zod';
import { TestClient, type UploadFile } from 'starlette-ts';
import { Body, FastAPI, File, Form, Model, UploadFileSchema } from '../src';
import { peakMemoryGrowth } from '../../starlette-ts/test/support/memory';

const app = new FastAPI();
app.post('/login/', { params: { username: Form(), password: Form() } }, ({ username }) => ({ username }));
app.post('/files/', { params: { file: File() } }, async ({ file }) => ({ file_size: (await file.read()).byteLength }));
app.post('/uploadfile/', { params: { file: File() } }, ({ file }) => ({ filename: file.filename }));
app.post('/uploadfiles/', { params: { files: File(z.array(UploadFileSchema)) } }, ({ files }) => ({ filenames: files.map((f) => f.filename) }));
app.post('/both/', { params: { file: File(), token: Form(), note: Form(z.string().default('none')) } }, async ({ file, token, note }) => ({
  file_size: (await file.read()).byteLength,
  token,
  note,
  fileb_content_type: file.contentType,
}));

describe('forms and files', () => {
  const client = new TestClient(app);

  test('form fields', async () => {
    const r = await client.post('/login/', { data: { username: 'Foo', password: 'secret' } });
    expect([r.statusCode, r.json()]).toEqual([200, { username: 'Foo' }]);
  });

  test('missing and empty form fields are missing', async () => {
    let r = await client.post('/login/', { data: { username: 'Foo' } });
    expect([r.statusCode, r.json()]).toEqual([422, { detail: [{ type: 'missing', loc: ['body', 'password'], msg: 'Field required', input: null }] }]);
    r = await client.post('/login/', { data: { username: '', password: 'x' } });
    expect(r.json()).toEqual({ detail: [{ type: 'missing', loc: ['body', 'username'], msg: 'Field required', input: null }] });
  });

  test('a JSON body is not a form', async () => {
    const r = await client.post('/login/', { json: { username: 'Foo', password: 'secret' } });
    expect(r.statusCode).toBe(422);
    expect(r.json()).toEqual({
      detail: [
        { type: 'missing', loc: ['body', 'username'], msg: 'Field required', input: null },
        { type: 'missing', loc: ['body', 'password'], msg: 'Field required', input: null },
      ],
    });
  });

  test('an uploaded file', async () => {
    let r = await client.post('/files/', { files: { file: ['main.py', '<file content>'] } });
    expect([r.statusCode, r.json()]).toEqual([200, { file_size: 14 }]);
    r = await client.post('/uploadfile/', { files: { file: ['main.py', '<file content>'] } });
    expect(r.json()).toEqual({ filename: 'main.py' });
  });

  test('a missing file', async () => {
    const r = await client.post('/files/');
    expect([r.statusCode, r.json()]).toEqual([422, { detail: [{ type: 'missing', loc: ['body', 'file'], msg: 'Field required', input: null }] }]);
  });

  test('several files', async () => {
    const r = await client.post('/uploadfiles/', { files: { files: [['a.txt', 'a'], ['b.txt', 'b']] } });
    expect(r.json()).toEqual({ filenames: ['a.txt', 'b.txt'] });
  });

  test('files and form fields together', async () => {
    const r = await client.post('/both/', { data: { token: 'foo' }, files: { file: ['f.txt', 'hello', 'text/plain'] } });
    expect(r.json()).toEqual({ file_size: 5, token: 'foo', note: 'none', fileb_content_type: 'text/plain' });
  });

  test('a string where a file is expected', async () => {
    const r = await client.post('/uploadfile/', { data: { file: 'not a file' } });
    expect(r.statusCode).toBe(422);
    expect(r.json<{ detail: Array<{ loc: unknown }> }>().detail[0].loc).toEqual(['body', 'file']);
  });
});

// --- bodies in the wrong shape, malformed and hostile forms, limits --------------------------

class Item extends Model('Item', { name: z.string(), price: z.number() }) {}
class LoginForm extends Model('LoginForm', { username: z.string(), password: z.string(), remember: z.coerce.boolean().default(false) }) {}

const LIMIT = 256 * 1024;
const strict = new FastAPI({ maxBodySize: LIMIT });
strict.post('/items/', { params: { item: Body(Item) } }, ({ item }) => item);
strict.post('/login/', { params: { username: Form(), password: Form() } }, ({ username }) => ({ username }));
strict.post('/upload/', { params: { file: File(), note: Form() } }, async ({ file, note }) => ({ filename: file.filename, size: (await file.read()).byteLength, note }));
strict.post('/many/', { params: { files: File(z.array(UploadFileSchema)), tags: Form(z.array(z.string()).default([])) } }, async ({ files, tags }) => ({
  files: await Promise.all(files.map(async (f) => [f.filename, f.contentType, new TextDecoder().decode(await f.read())])),
  tags,
}));
strict.post('/model-login/', { params: { data: Form(LoginForm) } }, ({ data }) => ({ isModel: data instanceof LoginForm, data }));

const multipart = (boundary: string) => ({ 'content-type': `multipart/form-data; boundary=${boundary}` });

describe('forms in the wrong shape, malformed, hostile and oversized', () => {
  const client = new TestClient(strict);

  test('a JSON body sent as a form is 422: the raw form text is not an object', async () => {
    let r = await client.post('/items/', { data: { name: 'Foo', price: '1.5' } });
    expect([r.statusCode, r.json()]).toEqual([422, {
      detail: [{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: 'name=Foo&price=1.5' }],
    }]);
    r = await client.post('/items/', { content: '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nFoo\r\n--b--\r\n', headers: multipart('b') });
    expect([r.statusCode, r.json()]).toEqual([422, {
      detail: [{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nFoo\r\n--b--\r\n' }],
    }]);
  });

  test('a form sent as JSON, or as text/plain, has every field missing (422)', async () => {
    for (const init of [{ json: { username: 'Foo', password: 'x' } }, { content: 'username=Foo&password=x', headers: { 'content-type': 'text/plain' } }]) {
      const r = await client.post('/login/', init);
      expect([r.statusCode, r.json()]).toEqual([422, {
        detail: [
          { type: 'missing', loc: ['body', 'username'], msg: 'Field required', input: null },
          { type: 'missing', loc: ['body', 'password'], msg: 'Field required', input: null },
        ],
      }]);
    }
  });

  test('multipart without a boundary, garbage and truncated bodies are 400 with Starlette\'s message', async () => {
    let r = await client.post('/login/', { content: 'username=Foo', headers: { 'content-type': 'multipart/form-data' } });
    expect([r.statusCode, r.json()]).toEqual([400, { detail: 'Missing boundary in multipart.' }]);
    r = await client.post('/login/', { content: 'just some garbage, no parts at all', headers: multipart('b') });
    expect([r.statusCode, r.json()]).toEqual([400, { detail: 'Unexpected end of form.' }]);
    r = await client.post('/upload/', { content: '--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhalf a fi', headers: multipart('b') });
    expect([r.statusCode, r.json()]).toEqual([400, { detail: 'Unexpected end of form.' }]);
    r = await client.post('/login/', { content: `--b\r\n${'X'.repeat(20000)}\r\n\r\nv\r\n--b--\r\n`, headers: multipart('b') });
    expect([r.statusCode, r.json()]).toEqual([400, { detail: 'Malformed part header.' }]);
  });

  test('more than 1000 fields or 1000 files is 400 with Starlette\'s message (its request.form() defaults)', async () => {
    const fields = Array.from({ length: 1001 }, (_, i) => `--b\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv\r\n`).join('') + '--b--\r\n';
    let r = await client.post('/login/', { content: fields, headers: multipart('b') });
    expect([r.statusCode, r.json()]).toEqual([400, { detail: 'Too many fields. Maximum number of fields is 1000.' }]);
    const files = Array.from({ length: 1001 }, (_, i) => `--b\r\nContent-Disposition: form-data; name="files"; filename="${i}.txt"\r\n\r\nv\r\n`).join('') + '--b--\r\n';
    r = await client.post('/many/', { content: files, headers: multipart('b') });
    expect([r.statusCode, r.json()]).toEqual([400, { detail: 'Too many files. Maximum number of files is 1000.' }]);
    // exactly 1000 files is fine
    const thousand = Array.from({ length: 1000 }, (_, i) => `--b\r\nContent-Disposition: form-data; name="files"; filename="${i}.txt"\r\n\r\nv\r\n`).join('') + '--b--\r\n';
    r = await client.post('/many/', { content: thousand, headers: multipart('b') });
    expect(r.statusCode).toBe(200);
    expect(r.json<{ files: unknown[] }>().files).toHaveLength(1000);
  });

  test('a form field over 1 MiB is 400 (Starlette\'s max_part_size) once the body limit allows it', async () => {
    const roomy = new FastAPI({ maxBodySize: 4 * 1024 * 1024 });
    roomy.post('/login/', { params: { username: Form() } }, ({ username }) => ({ length: username.length }));
    // multipart (a file part forces it): a non-file part is capped at 1 MiB
    const r = await new TestClient(roomy).post('/login/', { data: { username: 'x'.repeat(1024 * 1024 + 1) }, files: { other: ['a.txt', 'a'] } });
    expect([r.statusCode, r.json()]).toEqual([400, { detail: 'Part exceeded maximum size of 1024KB.' }]);
  });

  test('a form body over maxBodySize is 413, by content-length and when streamed without one', async () => {
    let r = await client.post('/upload/', { files: { file: ['big.bin', new Uint8Array(LIMIT + 1)] }, data: { note: 'n' } });
    expect([r.statusCode, r.json()]).toEqual([413, { detail: 'Request body too large' }]);
    r = await client.post('/login/', { data: { username: 'x'.repeat(LIMIT), password: 'p' } });
    expect([r.statusCode, r.json()]).toEqual([413, { detail: 'Request body too large' }]);
    // chunked: no content-length, the counting wrapper refuses the excess
    const chunked = await callApp(strict, '/upload/', [
      new TextEncoder().encode('--b\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n\r\n'),
      ...Array.from({ length: 5 }, () => new Uint8Array(LIMIT / 4)),
    ], [['content-type', 'multipart/form-data; boundary=b'], ['transfer-encoding', 'chunked']]);
    expect([chunked.status, chunked.body]).toEqual([413, '{"detail":"Request body too large"}']);
  });

  test('a file and a form field together; a missing file with the field present', async () => {
    let r = await client.post('/upload/', { files: { file: ['notes.txt', 'hello world', 'text/plain'] }, data: { note: 'n1' } });
    expect([r.statusCode, r.json()]).toEqual([200, { filename: 'notes.txt', size: 11, note: 'n1' }]);
    r = await client.post('/upload/', { data: { note: 'n1' }, files: { other: ['x.txt', 'x'] } });
    expect([r.statusCode, r.json()]).toEqual([422, { detail: [{ type: 'missing', loc: ['body', 'file'], msg: 'Field required', input: null }] }]);
  });

  test('a list of files keeps order, names and content types; a list of form values', async () => {
    const r = await client.post('/many/', {
      files: { files: [['a.txt', 'first', 'text/plain'], ['b.json', '{"x":1}', 'application/json'], ['c.bin', new Uint8Array([0x41, 0x42])]] },
      data: { tags: ['red', 'blue'] },
    });
    expect([r.statusCode, r.json()]).toEqual([200, {
      files: [['a.txt', 'text/plain', 'first'], ['b.json', 'application/json', '{"x":1}'], ['c.bin', 'application/octet-stream', 'AB']],
      tags: ['red', 'blue'],
    }]);
    const none = await client.post('/many/', { data: { tags: 'x' } });
    expect([none.statusCode, none.json()]).toEqual([422, { detail: [{ type: 'missing', loc: ['body', 'files'], msg: 'Field required', input: null }] }]);
  });

  test('a form model reads its fields from the form (FastAPI 0.113+ form models)', async () => {
    let r = await client.post('/model-login/', { data: { username: 'Foo', password: 'secret', remember: 'true' } });
    expect([r.statusCode, r.json()]).toEqual([200, { isModel: true, data: { username: 'Foo', password: 'secret', remember: true } }]);
    r = await client.post('/model-login/', { data: { username: 'Foo' } });
    expect([r.statusCode, r.json()]).toEqual([422, { detail: [{ type: 'missing', loc: ['body', 'password'], msg: 'Field required', input: { username: 'Foo' } }] }]);
    r = await client.post('/model-login/', { data: { username: '', password: 'p', extra: 'ignored' } });
    expect([r.statusCode, r.json()]).toEqual([422, { detail: [{ type: 'missing', loc: ['body', 'username'], msg: 'Field required', input: { password: 'p' } }] }]);
    const openapi = strict.openapi() as { paths: Record<string, { post: { requestBody: unknown } }> };
    expect(openapi.paths['/model-login/'].post.requestBody).toEqual({
      content: { 'application/x-www-form-urlencoded': { schema: { $ref: '#/components/schemas/LoginForm' } } },
      required: true,
    });
  });
});

/** Drives an ASGI app with the given body chunks (no content-length) and collects the answer. */
async function callApp(app: FastAPI, path: string, chunks: Uint8Array[], headers: [string, string][]): Promise<{ status: number; body: string }> {
  const queue = [...chunks];
  let status = 0;
  let body = '';
  await app(
    { type: 'http', asgi: { version: '3.0' }, http_version: '1.1', method: 'POST', scheme: 'http', path, raw_path: path, root_path: '', query_string: '', headers, server: ['127.0.0.1', 80], client: ['127.0.0.1', 1234] } as never,
    async () => (queue.length > 0 ? { type: 'http.request', body: queue.shift()!, more_body: queue.length > 0 } : { type: 'http.disconnect' }) as never,
    async (message: { type: string; status?: number; body?: Uint8Array }) => {
      if (message.type === 'http.response.start') status = message.status!;
      else if (message.body) body += new TextDecoder().decode(message.body);
    },
  );
  return { status, body };
}

describe('a 50 MB upload through a File route over a real socket', () => {
  const MiB = 1024 * 1024;
  const TOTAL = 50 * MiB;
  const tempPrefix = `starlette-ts-upload-${process.pid}-`;
  const tempFiles = () => readdirSync(tmpdir()).filter((name) => name.startsWith(tempPrefix)).map((name) => join(tmpdir(), name));
  let handle: ServerHandle;
  let seen: { size: number; inMemory: boolean; tempFiles: string[]; tempFileSize: number; tail: string; filename: string | null } | null = null;
  const agent = new Agent();

  beforeAll(async () => {
    const big = new FastAPI({ maxBodySize: 64 * MiB });
    big.post('/upload/', { params: { file: File(), label: Form() } }, async ({ file, label }) => {
      const upload = file as unknown as UploadFile;
      const paths = tempFiles();
      await upload.seek(TOTAL - 4);
      seen = { size: upload.size, inMemory: upload.inMemory, tempFiles: paths, tempFileSize: paths.length === 1 ? statSync(paths[0]).size : -1, tail: Buffer.from(await upload.read()).toString('hex'), filename: upload.filename };
      return { filename: upload.filename, size: upload.size, label };
    });
    handle = await serve(big, { host: '127.0.0.1', port: 0, lifespan: 'off', accessLog: false, logLevel: 'critical' });
  });

  afterAll(async () => {
    await agent.close();
    await handle?.close();
  });

  test('streams to disk (memory grows far less than the upload), answers, and removes the temp file after the response', async () => {
    expect(tempFiles()).toEqual([]);
    const boundary = 'fifty-megabytes';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="label"\r\n\r\nbig one\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const chunk = Buffer.alloc(64 * 1024, 0xcd);
    async function* body() {
      yield head;
      for (let sent = 0; sent < TOTAL; sent += chunk.length) yield chunk;
      yield tail;
    }
    const { growth } = await peakMemoryGrowth(async () => {
      const response = await request(`${handle.url}/upload/`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + TOTAL + tail.length) },
        body: Readable.from(body()),
      });
      expect(response.statusCode).toBe(200);
      expect(await response.body.json()).toEqual({ filename: 'big.bin', size: TOTAL, label: 'big one' });
    });
    expect(seen).toEqual({ size: TOTAL, inMemory: false, tempFiles: [expect.any(String)], tempFileSize: TOTAL, tail: 'cdcdcdcd', filename: 'big.bin' });
    // Holding the upload would add 50 MB; the bound leaves room for a loaded machine.
    expect(growth).toBeLessThan(20 * MiB);
    // The form is closed by the request's exit stack right after the last body byte is sent
    // (FastAPI's file stack), which can trail the client's read by a turn of the loop.
    for (let i = 0; i < 100 && existsSync(seen!.tempFiles[0]); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(existsSync(seen!.tempFiles[0])).toBe(false);
    expect(tempFiles()).toEqual([]);
  }, 120_000);
});
