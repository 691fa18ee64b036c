import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { MultiPartException } from '../src/errors';
import { parseForm } from '../src/formparsers';
import { liveTempFiles } from '../src/internal/tempfiles';
import { UploadFile } from '../src/uploads';
import { chunksOf } from './support/edges-driver';

const BOUNDARY = 'XyZBoundary42';
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;

type Part = { name?: string; filename?: string; contentType?: string; data: string | Buffer; rawHeaders?: string };

function multipart(parts: Part[], boundary = BOUNDARY): Buffer {
  const out: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\n`;
    if (part.rawHeaders !== undefined) head += part.rawHeaders;
    else {
      head += 'Content-Disposition: form-data';
      if (part.name !== undefined) head += `; name="${part.name}"`;
      if (part.filename !== undefined) head += `; filename="${part.filename}"`;
      head += '\r\n';
      if (part.contentType) head += `Content-Type: ${part.contentType}\r\n`;
    }
    out.push(Buffer.from(`${head}\r\n`), Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data), Buffer.from('\r\n'));
  }
  out.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(out);
}

function split(body: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < body.length; i += size) chunks.push(body.subarray(i, i + size));
  return chunks;
}

function tempFilesOnDisk(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith(`starlette-ts-upload-${process.pid}-`));
}

async function expectFormError(promise: Promise<unknown>, message: string): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MultiPartException);
  expect((error as MultiPartException).message).toBe(message);
  expect((error as MultiPartException).code).toBe('MULTIPART');
}

afterEach(() => {
  expect(liveTempFiles().size).toBe(0);
  expect(tempFilesOnDisk()).toEqual([]);
});

describe('urlencoded forms', () => {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };

  test('parses pairs, repeated names, plus signs and percent-escapes', async () => {
    const form = await parseForm(headers, chunksOf('name=Ann+Lee&tag=a&tag=b&city=S%C3%A3o%20Paulo&empty=&flag'));
    expect(form.multiItems()).toEqual([
      ['name', 'Ann Lee'],
      ['tag', 'a'],
      ['tag', 'b'],
      ['city', 'São Paulo'],
      ['empty', ''],
      ['flag', ''],
    ]);
    expect(form.get('tag')).toBe('b');
    expect(form.getAll('tag')).toEqual(['a', 'b']);
    expect(form.keys()).toEqual(['name', 'tag', 'city', 'empty', 'flag']);
  });

  test('a pair split across chunks at every position is parsed the same', async () => {
    const body = 'a=1&bb=x%2By&c=%E2%82%AC';
    for (let cut = 0; cut <= body.length; cut++) {
      const form = await parseForm(headers, chunksOf(body.slice(0, cut), body.slice(cut)));
      expect(form.multiItems()).toEqual([
        ['a', '1'],
        ['bb', 'x+y'],
        ['c', '€'],
      ]);
    }
  });

  test('empty segments are skipped and malformed escapes are kept literally', async () => {
    const form = await parseForm(headers, chunksOf('&&a=%zz%4&&b=%&'));
    expect(form.multiItems()).toEqual([
      ['a', '%zz%4'],
      ['b', '%'],
    ]);
  });

  test('an empty body gives an empty form', async () => {
    const form = await parseForm(headers, chunksOf());
    expect(form.length).toBe(0);
  });

  test('more fields than maxFields is an error', async () => {
    await expectFormError(parseForm(headers, chunksOf('a=1&b=2&c=3'), { maxFields: 2 }), 'Too many fields. Maximum number of fields is 2.');
  });

  test('a field larger than maxPartSize is an error, exactly at the limit it is not', async () => {
    const atLimit = await parseForm(headers, chunksOf(`k=${'v'.repeat(1023)}`), { maxPartSize: 1024 });
    expect((atLimit.get('k') as string).length).toBe(1023);
    await expectFormError(
      parseForm(headers, chunksOf(`k=${'v'.repeat(1024)}`), { maxPartSize: 1024 }),
      'Field exceeded maximum size of 1KB.',
    );
    // Streamed in small chunks without any '&': still stopped.
    await expectFormError(
      parseForm(headers, chunksOf(...split(Buffer.from('x'.repeat(5000)), 100)), { maxPartSize: 2048 }),
      'Field exceeded maximum size of 2KB.',
    );
  });

  test('accepts a Request-like source with headers.get and stream()', async () => {
    const source = { headers: { get: (name: string) => (name === 'content-type' ? 'application/x-www-form-urlencoded; charset=utf-8' : undefined) }, stream: () => chunksOf('q=1') };
    const form = await parseForm(source);
    expect(form.get('q')).toBe('1');
  });
});

test('other content types give an empty form without reading the body', async () => {
  let read = false;
  async function* body() {
    read = true;
    yield Buffer.from('{"a":1}');
  }
  const form = await parseForm({ 'content-type': 'application/json' }, body());
  expect(form.length).toBe(0);
  expect(read).toBe(false);
  expect((await parseForm([], chunksOf('a=1'))).length).toBe(0);
});

describe('multipart forms', () => {
  const headers = { 'content-type': MULTIPART };

  test('parses fields and files in order, files readable and seekable', async () => {
    const body = multipart([
      { name: 'title', data: 'Hello' },
      { name: 'doc', filename: 'notes.txt', contentType: 'text/plain', data: 'file contents' },
      { name: 'title', data: 'Again' },
    ]);
    const form = await parseForm(headers, chunksOf(body));
    expect(form.keys()).toEqual(['title', 'doc']);
    expect(form.getAll('title')).toEqual(['Hello', 'Again']);
    const upload = form.get('doc') as UploadFile;
    expect(upload).toBeInstanceOf(UploadFile);
    expect(upload.filename).toBe('notes.txt');
    expect(upload.contentType).toBe('text/plain');
    expect(upload.size).toBe(13);
    expect(upload.headers.get('content-disposition')).toBe('form-data; name="doc"; filename="notes.txt"');
    expect(upload.inMemory).toBe(true);
    expect((await upload.read(4)).toString()).toBe('file');
    expect((await upload.read()).toString()).toBe(' contents');
    expect((await upload.read()).length).toBe(0);
    await upload.seek(5);
    expect((await upload.read()).toString()).toBe('contents');
    expect(form.entries().map(([k, v]) => [k, typeof v === 'string' ? v : 'FILE'])).toEqual([
      ['title', 'Hello'],
      ['doc', 'FILE'],
      ['title', 'Again'],
    ]);
    await form.close();
  });

  test('the body fed one byte at a time parses the same', async () => {
    const body = multipart([
      { name: 'a', data: 'one\r\ntwo' },
      { name: 'f', filename: 'x.bin', contentType: 'application/octet-stream', data: Buffer.from([0, 1, 2, 255, 13, 10, 45, 45]) },
    ]);
    const form = await parseForm(headers, chunksOf(...split(body, 1)));
    expect(form.get('a')).toBe('one\r\ntwo');
    const upload = form.get('f') as UploadFile;
    expect([...(await upload.read())]).toEqual([0, 1, 2, 255, 13, 10, 45, 45]);
    await form.close();
  });

  test('a file larger than spoolMaxSize moves to a private temp file that close() deletes', async () => {
    const data = Buffer.alloc(300_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 256;
    const form = await parseForm(headers, chunksOf(...split(multipart([{ name: 'f', filename: 'big.bin', data }]), 65_536)), {
      spoolMaxSize: 100_000,
    });
    const upload = form.get('f') as UploadFile;
    expect(upload.inMemory).toBe(false);
    expect(upload.size).toBe(300_000);
    const [path] = [...liveTempFiles()];
    expect(statSync(path!).mode & 0o777).toBe(0o600);
    const streamed: Buffer[] = [];
    for await (const chunk of upload.stream()) {
      expect(chunk.length).toBeLessThanOrEqual(64 * 1024);
      streamed.push(chunk);
    }
    expect(Buffer.concat(streamed).equals(data)).toBe(true);
    await form.close();
    expect(() => statSync(path!)).toThrow();
    await expect(upload.read()).rejects.toThrow('Cannot read UploadFile "big.bin": it is closed');
  });

  test('non-ASCII field names, values and filenames are decoded as UTF-8', async () => {
    const body = multipart([
      { name: 'prénom', data: 'Zoë 東京' },
      { name: 'file', filename: 'résumé 履歴.pdf', contentType: 'application/pdf', data: '%PDF' },
    ]);
    const form = await parseForm(headers, chunksOf(body));
    expect(form.get('prénom')).toBe('Zoë 東京');
    expect((form.get('file') as UploadFile).filename).toBe('résumé 履歴.pdf');
    await form.close();
  });

  test('an octet-stream part without filename is a field, and a filename keeps its path as sent', async () => {
    // busboy reads `filename=""` (an empty file input) as no filename: the part is a field with value ''.
    const body = multipart([
      { name: 'raw', contentType: 'application/octet-stream', data: 'plain bytes' },
      { name: 'f', filename: '../../etc/passwd', data: 'x' },
      { name: 'empty', filename: '', data: '' },
    ]);
    const form = await parseForm(headers, chunksOf(body));
    expect(form.get('raw')).toBe('plain bytes');
    expect((form.get('f') as UploadFile).filename).toBe('../../etc/passwd');
    expect(form.get('empty')).toBe('');
    await form.close();
  });

  test('missing boundary', async () => {
    await expectFormError(parseForm({ 'content-type': 'multipart/form-data' }, chunksOf('x')), 'Missing boundary in multipart.');
    await expectFormError(parseForm({ 'content-type': 'multipart/form-data; charset=utf-8' }, chunksOf('x')), 'Missing boundary in multipart.');
  });

  test('too many files: the files already spooled are deleted', async () => {
    const big = Buffer.alloc(50_000, 1);
    const body = multipart([
      { name: 'a', filename: 'a.bin', data: big },
      { name: 'b', filename: 'b.bin', data: big },
      { name: 'c', filename: 'c.bin', data: big },
    ]);
    await expectFormError(
      parseForm(headers, chunksOf(...split(body, 8192)), { maxFiles: 2, spoolMaxSize: 10_000 }),
      'Too many files. Maximum number of files is 2.',
    );
  });

  test('too many fields', async () => {
    const body = multipart([
      { name: 'a', data: '1' },
      { name: 'b', data: '2' },
      { name: 'c', data: '3' },
    ]);
    await expectFormError(parseForm(headers, chunksOf(body), { maxFields: 2 }), 'Too many fields. Maximum number of fields is 2.');
    await expectFormError(parseForm(headers, chunksOf(body), { maxFields: 0 }), 'Too many fields. Maximum number of fields is 0.');
  });

  test('a field part over maxPartSize is an error; files have no such limit', async () => {
    await expectFormError(
      parseForm(headers, chunksOf(multipart([{ name: 'a', data: 'x'.repeat(1025) }])), { maxPartSize: 1024 }),
      'Part exceeded maximum size of 1KB.',
    );
    await expectFormError(
      parseForm(headers, chunksOf(multipart([{ name: 'a', contentType: 'application/octet-stream', data: 'x'.repeat(2049) }])), { maxPartSize: 2048 }),
      'Part exceeded maximum size of 2KB.',
    );
    const ok = await parseForm(headers, chunksOf(multipart([{ name: 'a', data: 'x'.repeat(1024) }])), { maxPartSize: 1024 });
    expect((ok.get('a') as string).length).toBe(1024);
    const file = await parseForm(headers, chunksOf(multipart([{ name: 'f', filename: 'f', data: 'x'.repeat(5000) }])), { maxPartSize: 1024 });
    expect((file.get('f') as UploadFile).size).toBe(5000);
    await file.close();
  });

  test('the default part limit is 1 MiB, reported as 1024KB', async () => {
    await expectFormError(
      parseForm(headers, chunksOf(multipart([{ name: 'a', data: 'x'.repeat(1024 * 1024 + 1) }]))),
      'Part exceeded maximum size of 1024KB.',
    );
  });

  test('a part without a name is an error', async () => {
    await expectFormError(
      parseForm(headers, chunksOf(multipart([{ data: 'x' }]))),
      'The Content-Disposition header field "name" must be provided.',
    );
    await expectFormError(
      parseForm(headers, chunksOf(multipart([{ filename: 'a.txt', data: 'x' }]))),
      'The Content-Disposition header field "name" must be provided.',
    );
  });

  test('a truncated body is an error and deletes the temp files', async () => {
    const body = multipart([
      { name: 'a', data: 'ok' },
      { name: 'f', filename: 'f.bin', data: Buffer.alloc(200_000, 7) },
    ]);
    await expectFormError(
      parseForm(headers, chunksOf(...split(body.subarray(0, 150_000), 16_384)), { spoolMaxSize: 1000 }),
      'Unexpected end of form.',
    );
    await expectFormError(parseForm(headers, chunksOf(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n`)), 'Unexpected end of form.');
  });

  test('a body without any boundary line is an error', async () => {
    await expectFormError(parseForm(headers, chunksOf('just some text with no parts')), 'Unexpected end of form.');
    await expectFormError(parseForm(headers, chunksOf()), 'Unexpected end of form.');
  });

  test('malformed part headers are an error', async () => {
    const body = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition form-data name="a"\r\n\r\nx\r\n--${BOUNDARY}--\r\n`);
    await expectFormError(parseForm(headers, chunksOf(body)), 'Malformed part header.');
    const huge = Buffer.from(`--${BOUNDARY}\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\nx\r\n--${BOUNDARY}--\r\n`);
    await expectFormError(parseForm(headers, chunksOf(huge)), 'Malformed part header.');
  });

  test('an error from the body stream (client gone) propagates as is and deletes temp files', async () => {
    const gone = new Error('client disconnected');
    async function* body() {
      yield multipart([{ name: 'f', filename: 'f', data: Buffer.alloc(50_000) }]).subarray(0, 40_000);
      throw gone;
    }
    await expect(parseForm(headers, body(), { spoolMaxSize: 1024 })).rejects.toBe(gone);
  });

  test('parts with no content-disposition are skipped as busboy does', async () => {
    const body = multipart([
      { rawHeaders: 'Content-Type: text/plain\r\n', data: 'ignored' },
      { name: 'kept', data: 'yes' },
    ]);
    const form = await parseForm(headers, chunksOf(body));
    expect(form.multiItems()).toEqual([['kept', 'yes']]);
  });
});
