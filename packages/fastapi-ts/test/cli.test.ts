// The fastapi-ts command, spawned from source (ts-node transpile-only, packages mapped to
// their sources by test/fixtures/cli/sources.js) against app files in a temporary directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';

jest.setTimeout(240_000);

const PACKAGE_DIR = join(__dirname, '..');
const CLI = join(PACKAGE_DIR, 'src', 'cli.ts');
const EXEC_ARGV = ['-r', join(__dirname, 'fixtures', 'cli', 'sources.js'), '-r', 'ts-node/register/transpile-only'];

interface Cli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  exited: Promise<number | null>;
}

const running: Cli[] = [];

function spawnCli(args: string[]): Cli {
  const child = spawn(process.execPath, [...EXEC_ARGV, CLI, ...args], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, ASGI_CORE_CHILD: '', FASTAPI_TS_DEV: '', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const cli: Cli = {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitFor(pattern, ms = 200_000) {
      const end = Date.now() + ms;
      while (!pattern.test(out + err)) {
        if (Date.now() > end || child.exitCode !== null) throw new Error(`Did not see ${pattern}; output:\n${out}${err}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
  running.push(cli);
  return cli;
}

afterEach(async () => {
  for (const cli of running.splice(0)) {
    if (cli.child.exitCode === null) {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  }
});

function appDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fastapi-ts-cli-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function get(url: string): Promise<{ status: number; text: string }> {
  const response = await request(url);
  return { status: response.statusCode, text: await response.body.text() };
}

const mainTs = (message: string) => `
import { FastAPI } from 'fastapi-ts';

export const app = new FastAPI();
app.get('/', {}, () => ({ message: '${message}', pid: process.pid }));
app.get('/boom', {}, () => {
  throw new Error('kaput');
});
`;

describe('fastapi-ts dev', () => {
  test('serves on 127.0.0.1, prints the app and docs URLs, shows tracebacks, and reloads after a change', async () => {
    const dir = appDir({ 'main.ts': mainTs('Hello World') });
    const port = await freePort();
    const cli = spawnCli(['dev', join(dir, 'main.ts'), '--port', String(port)]);
    await cli.waitFor(/Application startup complete/);
    expect(cli.stdout()).toContain(`    server  Server started at http://127.0.0.1:${port}\n    server  Documentation at http://127.0.0.1:${port}/docs\n`);
    expect(cli.stdout()).toContain('fastapi-ts  Starting development server\n');
    expect(cli.stdout()).toMatch(/ {7}app {2}Using import string: .*main\.ts:app\n/);
    expect(cli.stderr()).toContain(`INFO:     Will watch for changes in these directories: [${JSON.stringify(dir)}]`);

    const first = await get(`http://127.0.0.1:${port}/`);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text).message).toBe('Hello World');
    const docs = await get(`http://127.0.0.1:${port}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('<title>FastAPI - Swagger UI</title>');

    // dev turns on debug mode: a 500 shows the error instead of "Internal Server Error".
    const boom = await get(`http://127.0.0.1:${port}/boom`);
    expect(boom.status).toBe(500);
    expect(boom.text).toContain('Error: kaput');

    writeFileSync(join(dir, 'main.ts'), mainTs('Reloaded'));
    await cli.waitFor(/Reloading\.\.\./);
    let after = '';
    const end = Date.now() + 200_000;
    while (Date.now() < end) {
      after = await get(`http://127.0.0.1:${port}/`).then((r) => r.text, () => '');
      if (after.includes('Reloaded')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(JSON.parse(after).message).toBe('Reloaded');
    expect(JSON.parse(after).pid).not.toBe(JSON.parse(first.text).pid);

    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });
});

describe('fastapi-ts run', () => {
  test('finds main.ts and its "api" export, binds 0.0.0.0 by default and serves from --workers 2 processes', async () => {
    const dir = appDir({ 'main.ts': mainTs('Hello').replace(/\bapp\b/g, 'api') });
    const port = await freePort();
    const cli = spawnCli(['run', join(dir, 'main.ts'), '--port', String(port), '--workers', '2']);
    await cli.waitFor(/Started parent process/);
    expect(cli.stdout()).toContain('fastapi-ts  Starting production server\n');
    expect(cli.stdout()).toContain(`    server  Server started at http://0.0.0.0:${port}\n    server  Documentation at http://0.0.0.0:${port}/docs\n`);
    expect(cli.stdout()).toMatch(/Using import string: .*main\.ts:api\n/);
    await cli.waitFor(/running on http:\/\/0\.0\.0\.0:\d+[^]*running on http:\/\/0\.0\.0\.0:\d+/);
    const pids = new Set<number>();
    for (let i = 0; i < 40 && pids.size < 2; i++) {
      const response = await get(`http://127.0.0.1:${port}/`);
      expect(response.status).toBe(200);
      pids.add(JSON.parse(response.text).pid);
    }
    expect(pids.size).toBe(2);
    // run does not turn on debug mode.
    expect(await get(`http://127.0.0.1:${port}/boom`)).toEqual({ status: 500, text: 'Internal Server Error' });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });
});

describe('errors', () => {
  let blocker: Server;
  let blockedPort: number;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    blockedPort = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  test('each mistake prints one line on stderr and exits 1', async () => {
    const dir = appDir({
      'main.ts': mainTs('x'),
      'other.js': 'exports.notAnApp = 42;',
      'broken.js': 'throw new Error("kaput at import");',
    });
    const cases: Array<[string[], string]> = [
      [['dev', join(dir, 'missing.ts')], `Error: Path does not exist: ${join(dir, 'missing.ts')}\n`],
      [['run', join(dir, 'other.js')], `Error: Could not find a FastAPI app in ${join(dir, 'other.js')}: export it as "app" or "api", or pass --app <name>.\n`],
      [['run', join(dir, 'main.ts'), '--app', 'nope'], `Error: Could not find app name nope in ${join(dir, 'main.ts')}\n`],
      [['run', join(dir, 'other.js'), '--app', 'notAnApp'], `Error: "notAnApp" in ${join(dir, 'other.js')} is not an app: expected a FastAPI instance or an ASGI function, got number.\n`],
      [['run', join(dir, 'broken.js')], `Error: Could not import "${join(dir, 'broken.js')}": kaput at import\n`],
      [['dev', join(dir, 'main.ts'), '--host', '127.0.0.1', '--port', String(blockedPort)], `Error: Port ${blockedPort} on 127.0.0.1 is already in use: stop the other server or pass another --port.\n`],
      [['serve', 'main.ts'], 'Error: Unknown command "serve": use "dev" or "run".\n'],
      [[], 'Error: Missing command: use "fastapi-ts dev" or "fastapi-ts run".\n'],
      [['run', join(dir, 'main.ts'), '--port', 'eighty'], "Error: Invalid value for '--port': 'eighty' is not a valid integer.\n"],
      [['dev', join(dir, 'main.ts'), '--workers', '2'], 'Error: --reload and --workers cannot be used together: use "fastapi-ts run --workers N" without --reload.\n'],
      [['run', '--bogus'], "Error: Unknown option '--bogus'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--bogus\"\n"],
    ];
    const results = await Promise.all(
      cases.map(async ([args]) => {
        const cli = spawnCli(args);
        return { code: await cli.exited, stderr: cli.stderr(), stdout: cli.stdout() };
      }),
    );
    results.forEach((result, i) => {
      expect({ args: cases[i][0], stderr: result.stderr }).toEqual({ args: cases[i][0], stderr: cases[i][1] });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
    });
  });

  test('--help prints the usage and exits 0', async () => {
    const cli = spawnCli(['--help']);
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toMatch(/^Usage: fastapi-ts <dev\|run> \[path\] \[options\]\n/);
  });
});
