// Form data and files (tutorial/request_forms, request_files, request_forms_and_files), ported.
import 'reflect-metadata';
import { z } from 'zod';
import { TestClient } from 'starlette-ts';
import { FastAPI, File, Form, UploadFileSchema } from '../src';

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
