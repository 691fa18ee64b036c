// End to end: the built demo served the way `npm run demo` serves it
// (scripts/demo.js -> node apps/demo/dist/main.js), on a free port, over real
// HTTP (undici) and WebSocket (ws); then SIGTERM and a clean exit.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { request } from 'undici';
import WebSocket from 'ws';

const demoDir = join(__dirname, '..');
const root = join(demoDir, '..', '..');
let server: ChildProcess;
let baseUrl: string;
let output = '';
let tmp: string;
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

beforeAll(async () => {
  // The packages' dist/ are built by `npm test` (turbo: test depends on build); build the demo itself.
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(demoDir, 'tsconfig.build.json')], { stdio: 'inherit' });
  tmp = mkdtempSync(join(tmpdir(), 'demo-e2e-'));
  server = spawn(process.execPath, [join(root, 'scripts', 'demo.js')], {
    cwd: root,
    env: { ...process.env, DEMO_SKIP_BUILD: '1', HOST: '127.0.0.1', PORT: '0', DEMO_DATABASE: join(tmp, 'e2e.db'), DEMO_SSE_INTERVAL_MS: '10' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  exited = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 30000);
    server.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Inventory demo: (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    server.on('exit', () => reject(new Error(`the server exited:\n${output}`)));
  });
}, 240000);

afterAll(async () => {
  if (server.exitCode === null && server.signalCode === null) {
    server.kill('SIGKILL');
    await exited;
  }
  rmSync(tmp, { recursive: true, force: true });
});

async function http(method: 'GET' | 'POST', path: string, init: { json?: unknown; form?: Record<string, string>; headers?: Record<string, string> } = {}) {
  let body: string | undefined;
  const headers: Record<string, string> = { ...init.headers };
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers['content-type'] = 'application/json';
  } else if (init.form !== undefined) {
    body = new URLSearchParams(init.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const response = await request(`${baseUrl}${path}`, { method, body, headers });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, json: () => JSON.parse(text) as unknown };
}

function openSocket(path: string): Promise<{ ws: WebSocket; next: () => Promise<string> }> {
  const ws = new WebSocket(`${baseUrl.replace('http', 'ws')}${path}`);
  const queue: string[] = [];
  const waiters: ((text: string) => void)[] = [];
  ws.on('message', (data) => {
    const text = data.toString();
    const waiter = waiters.shift();
    if (waiter) waiter(text);
    else queue.push(text);
  });
  const next = () => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise<string>((resolve) => waiters.push(resolve)));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, next }));
    ws.once('error', reject);
  });
}

test('prints where it serves the app and its docs', () => {
  expect(output).toContain(`Inventory demo: ${baseUrl}\nAPI docs:       ${baseUrl}/docs (ReDoc: ${baseUrl}/redoc)\n`);
});

test('the SQL and security tutorials over HTTP', async () => {
  const created = await http('POST', '/users/', { json: { email: 'e2e@example.com', password: 'pw' } });
  expect([created.status, created.json()]).toEqual([200, { email: 'e2e@example.com', id: 1, is_active: true, items: [] }]);
  const item = await http('POST', '/users/1/items/', { json: { title: 'Towel' } });
  expect([item.status, item.json()]).toEqual([200, { title: 'Towel', description: null, id: 1, owner_id: 1 }]);
  const token = await http('POST', '/token', { form: { username: 'e2e@example.com', password: 'pw' } });
  expect(token.status).toBe(200);
  const { access_token } = token.json() as { access_token: string };
  const me = await http('GET', '/users/me', { headers: { authorization: `Bearer ${access_token}` } });
  expect([me.status, me.json()]).toEqual([200, { email: 'e2e@example.com', id: 1, is_active: true, items: [{ title: 'Towel', description: null, id: 1, owner_id: 1 }] }]);
  const anonymous = await http('GET', '/users/me');
  expect([anonymous.status, anonymous.headers['www-authenticate'], anonymous.json()]).toEqual([401, 'Bearer', { detail: 'Not authenticated' }]);
});

test('a body over 1 MiB is 413', async () => {
  const r = await http('POST', '/users/', { json: { email: 'big@example.com', password: 'x'.repeat(1024 * 1024 + 1) } });
  expect([r.status, r.json()]).toEqual([413, { detail: 'Request body too large' }]);
});

test('streaming and server-sent events', async () => {
  const stream = await http('GET', '/stream');
  expect([stream.status, stream.headers['transfer-encoding'], stream.text]).toEqual([200, 'chunked', 'chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\n']);
  const sse = await http('GET', '/sse/5');
  expect([sse.status, sse.headers['content-type'], sse.text]).toEqual([
    200,
    'text/event-stream; charset=utf-8',
    [0, 1, 2, 3, 4].map((i) => `id:5, message ${i}\n\n`).join(''),
  ]);
});

test('the redirect, the lifespan model and the docs', async () => {
  const redirect = await http('GET', '/my-redirect');
  expect([redirect.status, redirect.headers.location]).toEqual([307, '/hello-world']);
  expect((await http('GET', '/predict?x=2')).json()).toEqual({ result: 84 });
  const docs = await http('GET', '/docs');
  expect([docs.status, docs.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
  const chat = await http('GET', '/static/chat.js');
  expect([chat.status, chat.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
});

test('WebSocket echo and chat broadcast', async () => {
  const echo = await openSocket('/ws');
  echo.ws.send('ping');
  expect(await echo.next()).toBe('Echo: ping');
  echo.ws.close();

  const a = await openSocket('/chat?name=a');
  expect(await a.next()).toBe('a joined the chat');
  const b = await openSocket('/chat?name=b');
  expect(await a.next()).toBe('b joined the chat');
  expect(await b.next()).toBe('b joined the chat');
  b.ws.send('hello');
  expect(await a.next()).toBe('b: hello');
  expect(await b.next()).toBe('b: hello');
  b.ws.close();
  expect(await a.next()).toBe('b left the chat');
  a.ws.close();
});

test('SIGTERM shuts down gracefully: exit code 0, lifespan shutdown run, data on disk', async () => {
  server.kill('SIGTERM');
  const { code, signal } = await exited;
  expect({ code, signal }).toEqual({ code: 0, signal: null });
  expect(output).toContain('Application shutdown complete.');
  const db = new Database(join(tmp, 'e2e.db'), { readonly: true });
  try {
    expect(db.prepare('SELECT email FROM users').all()).toEqual([{ email: 'e2e@example.com' }]);
  } finally {
    db.close();
  }
});
