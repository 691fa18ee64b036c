import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
// The module object itself (a namespace import is frozen): StaticFiles calls through it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fsPromises = require('node:fs/promises') as typeof import('node:fs/promises');
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { serve, type ASGIApp, type ServerHandle } from 'asgi-core';
import { Starlette } from '../src/applications';
import { HTTPException } from '../src/exceptions';
import { Mount } from '../src/routing';
import { StaticFiles, normalisePath } from '../src/staticfiles';
import { drive, type DriveOptions } from './support/edges-driver';

const SECRET = 'TOP-SECRET-7f3a9c';
let root: string;
let publicDir: string;
let htmlDir: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'staticfiles-'));
  writeFileSync(join(root, 'secret.txt'), SECRET);
  writeFileSync(join(root, 'public-secret.txt'), SECRET); // shares a prefix with "public"
  publicDir = join(root, 'public');
  mkdirSync(join(publicDir, 'sub'), { recursive: true });
  mkdirSync(join(publicDir, 'empty-dir'));
  writeFileSync(join(publicDir, 'hello.txt'), 'hello world');
  writeFileSync(join(publicDir, 'app.js'), 'console.log(1)');
  writeFileSync(join(publicDir, 'sub', 'page.txt'), 'sub page');
  writeFileSync(join(publicDir, 'sub', 'index.html'), '<h1>sub index</h1>');
  writeFileSync(join(publicDir, '%2e%2e'), 'literal percent name');
  symlinkSync(join(publicDir, 'hello.txt'), join(publicDir, 'link-inside.txt'));
  symlinkSync(join(root, 'secret.txt'), join(publicDir, 'link-outside.txt'));
  symlinkSync(root, join(publicDir, 'dirlink-outside'));
  symlinkSync('loop-b', join(publicDir, 'loop-a'));
  symlinkSync('loop-a', join(publicDir, 'loop-b'));
  htmlDir = join(root, 'site');
  mkdirSync(join(htmlDir, 'docs'), { recursive: true });
  writeFileSync(join(htmlDir, 'index.html'), '<h1>home</h1>');
  writeFileSync(join(htmlDir, 'docs', 'index.html'), '<h1>docs</h1>');
  writeFileSync(join(htmlDir, '404.html'), '<h1>custom not found</h1>');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Turns HTTPException into a response, as the app's ExceptionMiddleware does. */
function standalone(app: ASGIApp): ASGIApp {
  return async (scope, receive, send) => {
    try {
      await app(scope, receive, send);
    } catch (error) {
      if (!(error instanceof HTTPException)) throw error;
      const body = Buffer.from(error.detail);
      await send({ type: 'http.response.start', status: error.statusCode, headers: [['content-type', 'text/plain; charset=utf-8']] });
      await send({ type: 'http.response.body', body });
    }
  };
}

const get = (app: ASGIApp, path: string, options: DriveOptions = {}) => drive(standalone(app), { path, ...options });

describe('serving files', () => {
  const files = () => new StaticFiles({ directory: publicDir });

  test('serves a file with its type, length and validators', async () => {
    const res = await get(files(), '/hello.txt');
    expect(res.status).toBe(200);
    expect(res.text()).toBe('hello world');
    expect(res.header('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.header('content-length')).toBe('11');
    expect(res.header('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(res.header('accept-ranges')).toBe('bytes');
    expect((await get(files(), '/app.js')).header('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get(files(), '/sub/page.txt')).text()).toBe('sub page');
  });

  test('HEAD, 304 and Range come from FileResponse', async () => {
    const head = await get(files(), '/hello.txt', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    const etag = head.header('etag')!;
    const cached = await get(files(), '/hello.txt', { headers: { 'if-none-match': etag } });
    expect(cached.status).toBe(304);
    expect(cached.body.length).toBe(0);
    const range = await get(files(), '/hello.txt', { headers: { range: 'bytes=6-' } });
    expect(range.status).toBe(206);
    expect(range.text()).toBe('world');
  });

  test.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('%s is 405', async (method) => {
    const res = await get(files(), '/hello.txt', { method });
    expect(res.status).toBe(405);
    expect(res.text()).toBe('Method Not Allowed');
  });

  test('a missing file and a directory (html off) are 404', async () => {
    for (const path of ['/nope.txt', '/sub', '/sub/', '/', '', '/empty-dir/']) {
      const res = await get(files(), path);
      expect([path, res.status, res.text()]).toEqual([path, 404, 'Not Found']);
    }
  });

  test('a symlink inside the directory is served; a literal "%2e%2e" file name is just a name', async () => {
    expect((await get(files(), '/link-inside.txt')).text()).toBe('hello world');
    expect((await get(files(), '/%2e%2e')).text()).toBe('literal percent name');
  });

  test('a symlink loop is 404, not an error', async () => {
    expect((await get(files(), '/loop-a')).status).toBe(404);
  });

  test('mounted in an app, the route path below the mount is served', async () => {
    const app = new Starlette({ routes: [new Mount('/static', new StaticFiles({ directory: publicDir }))] });
    const res = await drive(app, { path: '/static/sub/page.txt' });
    expect(res.status).toBe(200);
    expect(res.text()).toBe('sub page');
    const missing = await drive(app, { path: '/static/../secret.txt' });
    expect(missing.status).toBe(404);
    const wrongMethod = await drive(app, { path: '/static/hello.txt', method: 'POST' });
    expect(wrongMethod.status).toBe(405);
  });
});

describe('path traversal', () => {
  const CORPUS = [
    '/../secret.txt',
    '/../../secret.txt',
    '/../../../../../../../../etc/passwd',
    '/..',
    '/../',
    '/sub/../../secret.txt',
    '/./../secret.txt',
    '/sub/./../.././secret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/%252e%252e/secret.txt',
    '/%252e%252e%252fsecret.txt',
    '/..%2fsecret.txt',
    '/..%5csecret.txt',
    '/..%255csecret.txt',
    '/..\\secret.txt',
    '/sub\\..\\..\\secret.txt',
    '/\\..\\secret.txt',
    '/..\\/secret.txt',
    '/secret.txt\u0000.txt',
    '/hello.txt\u0000',
    '/\u0000../secret.txt',
    '/%00../secret.txt',
    '//../secret.txt',
    '///../secret.txt',
    `/${'..'.padEnd(2, '.')}/secret.txt`,
    '/..%00/secret.txt',
    '/..;/secret.txt',
    '/....//secret.txt',
    '/.../secret.txt',
    '/%c0%ae%c0%ae/secret.txt',
    '/\uff0e\uff0e/secret.txt',
    '/C:/secret.txt',
    '/c:\\secret.txt',
    '/link-outside.txt',
    '/dirlink-outside/secret.txt',
    '/dirlink-outside/public-secret.txt',
    '/../public-secret.txt',
    '/hello.txt/../../secret.txt',
    '/hello.txt/x',
    `/${'a'.repeat(256)}`,
    `/${'a'.repeat(300)}/secret.txt`,
    `/${'a/'.repeat(2100)}secret.txt`,
    `/${'../'.repeat(50)}secret.txt`,
    '/\r\n../secret.txt',
    '/\t../secret.txt',
  ];

  test('the corpus has dozens of hostile paths', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(40);
  });

  test.each(CORPUS)('%j is 404 and never leaks the secret', async (path) => {
    for (const app of [new StaticFiles({ directory: publicDir }), new StaticFiles({ directory: publicDir, html: true })]) {
      const res = await get(app, path);
      expect(res.status).toBe(404);
      expect(res.body.toString('latin1')).not.toContain(SECRET);
    }
  });

  test('the same corpus through a Mount in an app, with root_path set', async () => {
    const app = new Starlette({ routes: [new Mount('/static', new StaticFiles({ directory: publicDir }))] });
    for (const path of CORPUS) {
      const res = await drive(app, { path: `/static${path}` });
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.body.toString('latin1')).not.toContain(SECRET);
    }
  });

  test('absolute file system paths in the URL stay inside the directory', async () => {
    for (const app of [new StaticFiles({ directory: publicDir }), new StaticFiles({ directory: publicDir, html: true })]) {
      for (const path of [`/${root}/secret.txt`, `${root}/secret.txt`, `//${root}/secret.txt`, '//etc/passwd', '/etc/passwd', `/${publicDir}/hello.txt`]) {
        const res = await get(app, path);
        expect([path, res.status]).toEqual([path, 404]);
        expect(res.body.toString('latin1')).not.toContain(SECRET);
      }
    }
  });

  test('with followSymlinks, symlinks to outside are served but ".." still is not', async () => {
    const app = new StaticFiles({ directory: publicDir, followSymlinks: true });
    expect((await get(app, '/link-outside.txt')).text()).toBe(SECRET);
    expect((await get(app, '/dirlink-outside/secret.txt')).text()).toBe(SECRET);
    for (const path of ['/../secret.txt', '/sub/../../secret.txt', '/..\\secret.txt', '/secret.txt\u0000']) {
      const res = await get(app, path);
      expect(res.status).toBe(404);
      expect(res.text()).not.toContain(SECRET);
    }
  });

  test('normalisePath drops "." and empty segments and resolves ".." inside the root only', () => {
    expect(normalisePath('/a/./b//c/')).toEqual(['a', 'b', 'c']);
    expect(normalisePath('/a/../b')).toEqual(['b']);
    expect(normalisePath('/a/../../b')).toBeNull();
    expect(normalisePath('/a\\b')).toBeNull();
    expect(normalisePath('/a\u0000')).toBeNull();
    expect(normalisePath('')).toEqual([]);
  });
});

describe('html mode', () => {
  const site = () => new StaticFiles({ directory: htmlDir, html: true });

  test('a directory URL serves its index.html', async () => {
    const home = await get(site(), '/');
    expect(home.status).toBe(200);
    expect(home.text()).toBe('<h1>home</h1>');
    expect(home.header('content-type')).toBe('text/html; charset=utf-8');
    expect((await get(site(), '/docs/')).text()).toBe('<h1>docs</h1>');
  });

  test('a directory URL without the trailing slash redirects (307) to it, query kept', async () => {
    const res = await get(site(), '/docs', { query: 'a=1' });
    expect(res.status).toBe(307);
    expect(res.header('location')).toBe('http://testserver/docs/?a=1');
    expect(res.body.length).toBe(0);
  });

  test('a miss serves 404.html with status 404', async () => {
    const res = await get(site(), '/missing/page');
    expect(res.status).toBe(404);
    expect(res.text()).toBe('<h1>custom not found</h1>');
    expect(res.header('content-type')).toBe('text/html; charset=utf-8');
  });

  test('without 404.html a miss is the plain 404; a directory without index.html is a miss', async () => {
    const app = new StaticFiles({ directory: publicDir, html: true });
    expect((await get(app, '/empty-dir/')).status).toBe(404);
    expect((await get(app, '/sub')).header('location')).toBe('http://testserver/sub/');
    expect((await get(app, '/sub/')).text()).toBe('<h1>sub index</h1>');
  });

  test('redirects under a Mount keep the mount prefix', async () => {
    const app = new Starlette({ routes: [new Mount('/site', new StaticFiles({ directory: htmlDir, html: true }))] });
    const res = await drive(app, { path: '/site/docs' });
    expect(res.status).toBe(307);
    expect(res.header('location')).toBe('http://testserver/site/docs/');
  });
});

describe('configuration', () => {
  test('a missing directory throws at construction unless checkDir is false', () => {
    const missing = join(root, 'nope');
    expect(() => new StaticFiles({ directory: missing })).toThrow(`Directory '${missing}' does not exist`);
    expect(() => new StaticFiles({ directory: missing, checkDir: false })).not.toThrow();
  });

  test('with checkDir false the first request reports the missing directory', async () => {
    const missing = join(root, 'later');
    await expect(drive(new StaticFiles({ directory: missing, checkDir: false }), { path: '/x' })).rejects.toThrow(
      `StaticFiles directory '${missing}' does not exist.`,
    );
    const file = join(root, 'secret.txt');
    await expect(drive(new StaticFiles({ directory: file, checkDir: false }), { path: '/x' })).rejects.toThrow(
      `StaticFiles path '${file}' is not a directory.`,
    );
  });

  test('packages: a package directory is served, unknown packages throw', () => {
    expect(() => new StaticFiles({ packages: ['no-such-package-xyz'] })).toThrow("Package 'no-such-package-xyz' could not be found.");
    expect(() => new StaticFiles({ packages: [['busboy', 'no-statics']] })).toThrow("Directory 'no-statics' in package 'busboy' could not be found.");
    const app = new StaticFiles({ packages: [['busboy', 'lib']] });
    expect(app.allDirectories).toHaveLength(1);
  });

  test('a package whose exports hide package.json is found from its entry point', () => {
    // `cookie` exports only its entry point: the root is found by walking up to its package.json.
    expect(() => new StaticFiles({ packages: [['cookie', 'nope']] })).toThrow("Directory 'nope' in package 'cookie' could not be found.");
    expect(new StaticFiles({ packages: [['cookie', 'dist']] }).allDirectories[0]).toMatch(/node_modules\/cookie\/dist$/);
  });

  test('a packages directory serves its files', async () => {
    const res = await get(new StaticFiles({ packages: [['busboy', 'lib']] }), '/index.js');
    expect(res.status).toBe(200);
    expect(res.header('content-type')).toBe('text/javascript; charset=utf-8');
  });

  test('a permission error during lookup is 401, as Starlette maps PermissionError', async () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const app = new StaticFiles({ directory: publicDir });
    await get(app, '/hello.txt'); // directories resolved once, before the failure is injected
    const spy = jest.spyOn(fsPromises, 'realpath').mockRejectedValueOnce(denied);
    try {
      const res = await get(app, '/hello.txt');
      expect(res.status).toBe(401);
      expect(res.text()).toBe('Unauthorized');
    } finally {
      spy.mockRestore();
    }
  });

  test('an unexpected file system error propagates (a 500, not a silent 404)', async () => {
    const broken = Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
    const app = new StaticFiles({ directory: publicDir });
    await get(app, '/hello.txt'); // directories resolved once, before the failure is injected
    const spy = jest.spyOn(fsPromises, 'realpath').mockRejectedValueOnce(broken);
    try {
      await expect(get(app, '/hello.txt')).rejects.toThrow('EIO: i/o error');
    } finally {
      spy.mockRestore();
    }
  });

  test('a websocket scope is refused with an error', async () => {
    const app = new StaticFiles({ directory: publicDir });
    await expect(app({ type: 'websocket' } as never, async () => ({ type: 'websocket.connect' }), async () => undefined)).rejects.toThrow(
      "StaticFiles only handles http scopes, got 'websocket'",
    );
  });
});

describe('over a real socket, with raw request targets', () => {
  let handle: ServerHandle;

  beforeAll(async () => {
    const app = new Starlette({ routes: [new Mount('/static', new StaticFiles({ directory: publicDir, html: true }))] });
    handle = await serve(app, { port: 0, host: '127.0.0.1', lifespan: 'off', accessLog: false, logLevel: 'critical' });
  });

  afterAll(async () => {
    await handle?.close();
  });

  function rawGet(target: string): Promise<{ status: number; raw: string }> {
    const { port } = handle.address as { port: number };
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, 'latin1');
      });
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        const raw = Buffer.concat(chunks).toString('latin1');
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0), raw });
      });
    });
  }

  test('a genuine file is served (the harness works)', async () => {
    const res = await rawGet('/static/hello.txt');
    expect(res.status).toBe(200);
    expect(res.raw.endsWith('hello world')).toBe(true);
  });

  const WIRE_CORPUS = [
    '/static/../secret.txt',
    '/static/../../secret.txt',
    '/static/..%2fsecret.txt',
    '/static/..%2f..%2fsecret.txt',
    '/static/%2e%2e/secret.txt',
    '/static/%2e%2e%2fsecret.txt',
    '/static/%2E%2E/%2E%2E/secret.txt',
    '/static/%252e%252e/secret.txt',
    '/static/%252e%252e%252fsecret.txt',
    '/static/..%5csecret.txt',
    '/static/..%5c..%5csecret.txt',
    '/static/..\\secret.txt',
    '/static/%5c..%5csecret.txt',
    '/static/..%00/secret.txt',
    '/static/secret.txt%00.txt',
    '/static/hello.txt%00',
    '/static/%00',
    '/static/%c0%ae%c0%ae/secret.txt',
    '/static/%c0%af..%c0%afsecret.txt',
    '/static/%e0%80%ae%e0%80%ae/secret.txt',
    '/static/%ef%bc%8e%ef%bc%8e/secret.txt',
    '/static//../../secret.txt',
    '/static/./../secret.txt',
    '/static/sub/..%2f..%2f..%2fsecret.txt',
    '/static/link-outside.txt',
    '/static/dirlink-outside/secret.txt',
    '/static/dirlink-outside/public-secret.txt',
    '/static/..;/secret.txt',
    `/static/${'..%2f'.repeat(40)}etc/passwd`,
    `/static/${'a'.repeat(300)}`,
    '/static/%2fetc%2fpasswd',
    '/static/%2f..%2fsecret.txt',
  ];

  test.each(WIRE_CORPUS)('%s never serves a file from outside', async (target) => {
    const res = await rawGet(target);
    expect(res.raw).not.toContain(SECRET);
    expect(res.raw).not.toContain('root:');
    expect(res.status).toBe(404);
  });

  test('the whole corpus at once (concurrently) is 404 everywhere', async () => {
    const statuses = await Promise.all(WIRE_CORPUS.map(async (target) => [target, (await rawGet(target)).status] as const));
    expect(statuses.filter(([, status]) => status !== 404)).toEqual([]);
  });
});
