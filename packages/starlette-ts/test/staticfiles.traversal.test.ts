/**
 * StaticFiles path traversal over a real server with raw request targets (the client never
 * normalises them), asserting the exact response. Complements the corpus of
 * `staticfiles.test.ts` with what it does not cover: exact bodies, overlong names (a 255-byte
 * name, ENAMETOOLONG past 255 bytes and past PATH_MAX), absolute paths and raw bytes the
 * parser refuses, and the html mode's own 404 page.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerHandle } from 'asgi-core';
import { Mount, Starlette, StaticFiles } from '../src';

const SECRET = 'TOP-SECRET-traversal-41c2';
const NOT_FOUND = 'HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\ncontent-type: text/plain; charset=utf-8\r\n';
const CUSTOM_404 = '<h1>custom not found</h1>';

// Created at load time: the corpus below names it.
const root = mkdtempSync(join(tmpdir(), 'traversal-'));
let handle: ServerHandle;
let port: number;

beforeAll(async () => {
  writeFileSync(join(root, 'secret.txt'), SECRET);
  writeFileSync(join(root, 'public-secret.txt'), SECRET); // shares a prefix with "public"
  const publicDir = join(root, 'public');
  mkdirSync(join(publicDir, 'sub'), { recursive: true });
  writeFileSync(join(publicDir, 'hello.txt'), 'hello world');
  writeFileSync(join(publicDir, 'a'.repeat(255)), 'longest name'); // NAME_MAX: still a valid name
  symlinkSync(join(root, 'secret.txt'), join(publicDir, 'link-outside.txt'));
  symlinkSync(root, join(publicDir, 'dirlink-outside'));
  symlinkSync('../secret.txt', join(publicDir, 'sub', 'relative-link.txt'));
  const siteDir = join(root, 'site');
  mkdirSync(siteDir);
  writeFileSync(join(siteDir, 'index.html'), '<h1>home</h1>');
  writeFileSync(join(siteDir, '404.html'), CUSTOM_404);
  const app = new Starlette({
    routes: [
      new Mount('/static', new StaticFiles({ directory: publicDir })),
      new Mount('/site', new StaticFiles({ directory: siteDir, html: true })),
    ],
  });
  handle = await serve(app, { port: 0, host: '127.0.0.1', lifespan: 'off', accessLog: false, logLevel: 'critical' });
  port = (handle.address as { port: number }).port;
});

afterAll(async () => {
  await handle?.close();
  rmSync(root, { recursive: true, force: true });
});

/** A relative path of exactly `bytes` bytes, in names short enough to be valid. */
function relativePathOf(bytes: number): string {
  const path = `${'b'.repeat(200)}/`.repeat(Math.ceil(bytes / 201)).slice(0, bytes);
  return path.endsWith('/') ? `${path.slice(0, -1)}b` : path;
}

/** Sends `GET <target>` byte for byte and returns the whole response, head and body. */
function rawGet(target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(Buffer.concat([Buffer.from('GET '), Buffer.from(target, 'latin1'), Buffer.from(' HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')]));
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}

/** The response without its Date header, which changes every second. */
const withoutDate = (raw: string) => raw.replace(/\r\ndate: [^\r]*/i, '');

function expectPlain404(raw: string): void {
  expect(raw).not.toContain(SECRET);
  expect(withoutDate(raw)).toBe(`${NOT_FOUND}Connection: close\r\n\r\nNot Found`);
}

/**
 * Each hostile target, and what html mode answers for it, as Starlette: `page` (the
 * directory's 404.html) for every miss, paths refused by `normalisePath` included (Starlette's
 * lookup skips a path leaving the directory; backslashes and drive letters are plain names on
 * POSIX), and `plain` only for names over NAME_MAX or paths over PATH_MAX once normalised
 * (Starlette's ENAMETOOLONG branch). One deviation: an encoded NUL is a miss here, where
 * Python's realpath raises ValueError ("embedded null byte") and Starlette answers 500.
 */
const CORPUS: Array<[string, string, 'page' | 'plain']> = [
  ['dot-dot', '/static/../secret.txt', 'page'],
  ['dot-dot into a sibling sharing the prefix', '/static/../public-secret.txt', 'page'],
  ['encoded dot-dot', '/static/%2e%2e/secret.txt', 'page'],
  ['encoded dot-dot and slash', '/static/%2e%2e%2fsecret.txt', 'page'],
  ['upper-case encoding', '/static/%2E%2E%2F%2E%2E%2Fsecret.txt', 'page'],
  ['double-encoded dot-dot', '/static/%252e%252e/secret.txt', 'page'],
  ['double-encoded dot-dot and slash', '/static/%252e%252e%252fsecret.txt', 'page'],
  ['dot-dot, encoded slash', '/static/..%2fsecret.txt', 'page'],
  ['dot-dot, encoded backslash', '/static/..%5csecret.txt', 'page'],
  ['dot-dot, double-encoded backslash', '/static/..%255csecret.txt', 'page'],
  ['raw backslashes', '/static/..\\..\\secret.txt', 'page'],
  ['backslash after a real directory', '/static/sub\\..\\..\\secret.txt', 'page'],
  ['encoded NUL after a real file', '/static/hello.txt%00', 'page'],
  ['encoded NUL before an extension', '/static/secret.txt%00.txt', 'page'],
  ['encoded NUL then dot-dot', '/static/%00/../secret.txt', 'page'],
  ['double-encoded NUL', '/static/hello.txt%2500', 'page'],
  ['absolute path after the mount', '/static//etc/passwd', 'page'],
  ['absolute path, encoded slash', '/static/%2fetc%2fpasswd', 'page'],
  ['absolute path to the secret', `/static/${root}/secret.txt`, 'page'],
  ['absolute path to the secret, encoded', `/static/${encodeURIComponent(`${root}/secret.txt`)}`, 'page'],
  ['Windows drive', '/static/C:%5csecret.txt', 'page'],
  ['overlong UTF-8 dots', '/static/%c0%ae%c0%ae/secret.txt', 'page'],
  ['fullwidth dots', '/static/%ef%bc%8e%ef%bc%8e/secret.txt', 'page'],
  ['symlink to a file outside (followSymlinks is off)', '/static/link-outside.txt', 'page'],
  ['relative symlink to a file outside', '/static/sub/relative-link.txt', 'page'],
  ['symlink to a directory outside', '/static/dirlink-outside/secret.txt', 'page'],
  ['a 256-byte name (ENAMETOOLONG)', `/static/${'a'.repeat(256)}`, 'plain'],
  ['a 256-byte encoded name', `/static/${'%61'.repeat(256)}`, 'plain'],
  ['a path over 4096 bytes (PATH_MAX)', `/static/${'abcdefgh/'.repeat(460)}x`, 'plain'],
  ['a path under PATH_MAX that passes it once joined to the directory', `/static/${relativePathOf(4100 - Buffer.byteLength(join(root, 'public')) - 1)}`, 'plain'],
  ['a path over 4096 bytes that normalises to an escape', `/static/${'sub/../'.repeat(600)}../secret.txt`, 'page'],
  ['a path over 4096 bytes that normalises to a short name', `/static/${'sub/../'.repeat(600)}missing.txt`, 'page'],
  ['many dot-dots', `/static/${'../'.repeat(1000)}secret.txt`, 'page'],
];

describe('every hostile target is a plain 404 with the exact body', () => {
  test('the harness serves a genuine file, and a 255-byte name is still a name', async () => {
    expect(withoutDate(await rawGet('/static/hello.txt'))).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nhello world$/);
    expect(withoutDate(await rawGet(`/static/${'a'.repeat(255)}`))).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nlongest name$/);
  });

  test.each(CORPUS)('%s', async (_name, target) => {
    expectPlain404(await rawGet(target));
  });

  test('the corpus sent concurrently: 404 everywhere, the secret nowhere', async () => {
    const responses = await Promise.all(CORPUS.map(async ([, target]) => withoutDate(await rawGet(target))));
    expect(responses.filter((raw) => raw !== `${NOT_FOUND}Connection: close\r\n\r\nNot Found`)).toEqual([]);
  });
});

describe('html mode never leaks either: a miss, refused paths included, is its 404 page; a name too long the plain 404', () => {
  const siteCorpus = CORPUS.filter(([name]) => !name.includes('symlink')).map(([name, target, answer]) => [name, target.replace('/static/', '/site/'), answer]);

  test.each(siteCorpus)('%s', async (_name, target, answer) => {
    const raw = withoutDate(await rawGet(target));
    expect(raw).not.toContain(SECRET);
    if (answer === 'plain') expect(raw).toBe(`${NOT_FOUND}Connection: close\r\n\r\nNot Found`);
    else expect(raw).toMatch(new RegExp(`^HTTP/1\\.1 404 Not Found\\r\\n[\\s\\S]*content-type: text/html; charset=utf-8\\r\\n[\\s\\S]*\\r\\n\\r\\n${CUSTOM_404}$`));
  });
});

describe('targets the HTTP parser refuses never reach StaticFiles', () => {
  test.each([
    ['a raw NUL byte', '/static/hello.txt\u0000'],
    ['a raw space', '/static/../ secret.txt'],
    ['a raw CR', '/static/..\r/secret.txt'],
  ])('%s is the server\'s 400', async (_name, target) => {
    const raw = await rawGet(target);
    expect(raw).not.toContain(SECRET);
    expect(withoutDate(raw)).toBe('HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 30\r\nconnection: close\r\n\r\nInvalid HTTP request received.');
  });
});
