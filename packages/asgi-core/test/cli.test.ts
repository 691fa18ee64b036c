import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, request } from 'undici';
import WebSocket from 'ws';
import { rawExchange } from './helpers';
import { appDir, freePort, killQuietly, PACKAGE_DIR, spawnCli, type CliProcess } from './cli-helpers';

jest.setTimeout(60000);

// A raw ASGI app, as the spec's users write it first: no framework, CommonJS.
const RAW_APP = `
let started = 0;
exports.app = async (scope, receive, send) => {
  if (scope.type === 'lifespan') {
    for (;;) {
      const message = await receive();
      if (message.type === 'lifespan.startup') {
        scope.state.startedAt = 'boot';
        console.log('app: startup');
        await send({ type: 'lifespan.startup.complete' });
      } else {
        console.log('app: shutdown');
        await send({ type: 'lifespan.shutdown.complete' });
        return;
      }
    }
  }
  if (scope.type !== 'http') return;
  if (scope.path === '/stream') {
    await send({ type: 'http.response.start', status: 200, headers: [['content-type', 'text/plain']] });
    for (let i = 0; i < 3; i++) {
      await send({ type: 'http.response.body', body: Buffer.from('tick ' + i + '\\n'), more_body: true });
      await new Promise((r) => setTimeout(r, 100));
    }
    await send({ type: 'http.response.body', body: Buffer.alloc(0) });
    return;
  }
  if (scope.path === '/slow') {
    console.log('app: slow request started');
    await new Promise((r) => setTimeout(r, 1500));
  }
  const body = JSON.stringify({ path: scope.path, port: scope.client[1], pid: process.pid, state: scope.state.startedAt });
  await send({ type: 'http.response.start', status: 200, headers: [['content-type', 'application/json']] });
  await send({ type: 'http.response.body', body: Buffer.from(body) });
};
`;

let cli: CliProcess | null = null;
afterEach(() => {
  killQuietly(cli);
  cli = null;
});

describe('asgi-core serve <file>:<export>', () => {
  test('a raw ASGI app streams, keeps connections alive, answers garbage with 400, and stops on SIGTERM', async () => {
    const dir = appDir({ 'app.js': RAW_APP });
    cli = spawnCli(['serve', join(dir, 'app.js') + ':app', '--port', '0']);
    const url = await cli.waitForUrl();
    await cli.waitForOutput(/app: startup/);

    const streamed = await request(`${url}/stream`);
    expect(streamed.headers['transfer-encoding']).toBe('chunked');
    const arrivals: string[] = [];
    for await (const chunk of streamed.body) arrivals.push(chunk.toString());
    expect(arrivals.join('')).toBe('tick 0\ntick 1\ntick 2\n');
    expect(arrivals.length).toBeGreaterThanOrEqual(2);

    const client = new Client(url);
    const first = JSON.parse(await (await client.request({ path: '/a', method: 'GET' })).body.text());
    const second = JSON.parse(await (await client.request({ path: '/b', method: 'GET' })).body.text());
    await client.close();
    expect(first).toMatchObject({ path: '/a', state: 'boot' });
    expect(second.port).toBe(first.port); // one kept-alive connection

    const { text, closed } = await rawExchange(Number(new URL(url).port), '\x00\x01 not http at all\r\n\r\n');
    expect(text.startsWith('HTTP/1.1 400 Bad Request\r\n')).toBe(true);
    expect(closed).toBe(true);

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toMatch(/INFO: {5}127\.0\.0\.1:\d+ - "GET \/a HTTP\/1\.1" 200 OK/);
    expect(cli.output()).toContain('app: shutdown');
  });

  test('SIGTERM lets an in-flight request finish, refuses new connections, runs lifespan shutdown and exits 0', async () => {
    const dir = appDir({ 'app.js': RAW_APP });
    cli = spawnCli(['serve', `${join(dir, 'app.js')}:app`, '--port', '0']);
    const url = await cli.waitForUrl();
    const inFlight = request(`${url}/slow`);
    await cli.waitForOutput(/app: slow request started/);
    cli.child.kill('SIGTERM');
    await cli.waitForOutput(/Shutting down/);
    await expect(request(`${url}/late`)).rejects.toThrow();
    const res = await inFlight;
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(await res.body.text())).toMatchObject({ path: '/slow' });
    expect(await cli.exited).toBe(0);
    const output = cli.output();
    expect(output.indexOf('app: shutdown')).toBeGreaterThan(output.indexOf('"GET /slow HTTP/1.1" 200 OK'));
    expect(output).toContain('Finished server process');
  });

  test('a TypeScript app file is loaded through ts-node, and --root-path reaches the scope', async () => {
    const dir = appDir({
      'main.ts': `
        import type { ASGIApp } from '${PACKAGE_DIR.replace(/\\/g, '/')}/src/types';
        export const app: ASGIApp = async (scope, _receive, send) => {
          if (scope.type !== 'http') return;
          const text: string = \`ts \${scope.root_path} \${scope.path}\`;
          await send({ type: 'http.response.start', status: 200, headers: [['content-type', 'text/plain']] });
          await send({ type: 'http.response.body', body: Buffer.from(text) });
        };`,
    });
    cli = spawnCli(['serve', `${join(dir, 'main.ts')}:app`, '--port', '0', '--root-path', '/api', '--no-access-log']);
    const url = await cli.waitForUrl();
    const res = await request(`${url}/x`);
    expect(await res.body.text()).toBe('ts /api /api/x');
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.output()).not.toContain('"GET /x');
  });

  test('--app-factory calls the export to build the app', async () => {
    const dir = appDir({
      'factory.mjs': `export function create() {
        return async (scope, _r, send) => {
          if (scope.type !== 'http') return;
          await send({ type: 'http.response.start', status: 200 });
          await send({ type: 'http.response.body', body: new TextEncoder().encode('from factory') });
        };
      }`,
    });
    cli = spawnCli(['serve', `${join(dir, 'factory.mjs')}:create`, '--app-factory', '--port', '0']);
    const url = await cli.waitForUrl();
    expect(await (await request(url)).body.text()).toBe('from factory');
  });

  test('a missing file, a missing export, a non-function export, a spec without export and a throwing module each exit 1 with one readable line', async () => {
    const dir = appDir({ 'app.js': 'exports.app = async () => {}; exports.value = 42;', 'broken.js': 'throw new Error("kaput");' });
    const cases: Array<[string, string]> = [
      [`${dir}/nope.js:app`, `ERROR:    Error loading ASGI app. Could not find file "${dir}/nope.js" (looked for ${dir}/nope.js).`],
      [`${dir}/app.js:missing`, `ERROR:    Error loading ASGI app. Attribute "missing" not found in module "${dir}/app.js".`],
      [`${dir}/app.js:value`, `ERROR:    Error loading ASGI app. "${dir}/app.js:value" is not an ASGI app: expected a function (scope, receive, send), got number.`],
      [`${dir}/app.js`, `ERROR:    Error loading ASGI app. Import string "${dir}/app.js" must be in format "<file>:<export>", for example "app.js:app".`],
      [`${dir}/broken.js:app`, `ERROR:    Error loading ASGI app. Could not import "${dir}/broken.js": kaput`],
    ];
    // In parallel: each is a process start-up.
    const processes = cases.map(([spec]) => spawnCli(['serve', spec, '--port', '0']));
    try {
      for (let i = 0; i < cases.length; i++) {
        expect(await processes[i].exited).toBe(1);
        expect(processes[i].output()).toBe(cases[i][1] + '\n');
      }
    } finally {
      processes.forEach(killQuietly);
    }
  });

  test('--uds, --proxy-headers, --forwarded-allow-ips and --log-level reach the server', async () => {
    const dir = appDir({
      'app.js': `exports.app = async (scope, receive, send) => {
        if (scope.type !== 'http') return;
        await send({ type: 'http.response.start', status: 200 });
        await send({ type: 'http.response.body', body: Buffer.from(scope.scheme + ' ' + scope.client[0] + ' ' + JSON.stringify(scope.server)) });
      };`,
    });
    const socketPath = join(dir, 'app.sock');
    cli = spawnCli(['serve', `${dir}/app.js:app`, '--uds', socketPath, '--proxy-headers', '--forwarded-allow-ips', '*', '--log-level', 'warning']);
    // No "running on" line at warning level: poll the socket until it answers.
    const client = new Client('http://localhost', { socketPath });
    let body = '';
    for (let attempt = 0; body === '' && attempt < 200; attempt++) {
      try {
        const res = await client.request({ path: '/', method: 'GET', headers: { 'x-forwarded-for': '198.51.100.4', 'x-forwarded-proto': 'https' } });
        body = await res.body.text();
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    expect(body).toBe(`https 198.51.100.4 ${JSON.stringify([socketPath, null])}`);
    await client.close();
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toBe(''); // warning level: no INFO lines at all
  });

  test('a port in use exits 1 with one readable line', async () => {
    const dir = appDir({ 'app.js': 'exports.app = async () => {};' });
    const first = spawnCli(['serve', `${dir}/app.js:app`, '--port', '0', '--lifespan', 'off']);
    try {
      const port = new URL(await first.waitForUrl()).port;
      cli = spawnCli(['serve', `${dir}/app.js:app`, '--port', port, '--lifespan', 'off']);
      expect(await cli.exited).toBe(1);
      const errors = cli.output().split('\n').filter((line) => line.startsWith('ERROR'));
      expect(errors).toEqual([`ERROR:    Could not bind to 127.0.0.1:${port}: address already in use`]);
      expect(cli.output()).not.toMatch(/\n\s+at /);
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
    }
  });

  test('a failed lifespan startup exits 3 without binding the port', async () => {
    const dir = appDir({
      'app.js': `exports.app = async (scope, receive, send) => {
        if (scope.type === 'lifespan') { await receive(); await send({ type: 'lifespan.startup.failed', message: 'no database' }); }
      };`,
    });
    cli = spawnCli(['serve', `${dir}/app.js:app`, '--port', '0']);
    expect(await cli.exited).toBe(3);
    expect(cli.output()).toContain('ERROR:    no database\nERROR:    Application startup failed. Exiting.');
    expect(cli.output()).not.toContain('running on');
  });

  test('bad arguments exit 2 with a usage hint', async () => {
    cli = spawnCli(['serve', 'app.js:app', '--lifespan', 'sometimes']);
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toBe("Error: Invalid value for '--lifespan': 'sometimes' is not one of 'auto', 'on', 'off'.\nUsage: asgi-core serve <file>:<export> [options]\n");
  });
});

describe('supervisors', () => {
  test('--workers 2 serves from two processes, replaces a killed worker, and stops all on SIGTERM', async () => {
    const dir = appDir({ 'app.js': RAW_APP });
    cli = spawnCli(['serve', `${dir}/app.js:app`, '--port', '0', '--workers', '2', '--no-access-log']);
    const url = await cli.waitForUrl();
    await cli.waitForOutput(/(running on[\s\S]*){2}/);
    const pids = new Set<number>();
    for (let i = 0; i < 20 && pids.size < 2; i++) {
      const res = await request(url, { headers: { connection: 'close' } });
      pids.add(JSON.parse(await res.body.text()).pid);
    }
    expect(pids.size).toBe(2);
    const [victim] = [...pids];
    process.kill(victim, 'SIGKILL');
    await cli.waitForOutput(new RegExp(`Child process \\[${victim}\\] died`));
    await cli.waitForOutput(/(Started server process[\s\S]*){3}/);
    await cli.waitForOutput(/(Application startup complete[\s\S]*){3}/);
    const after = new Set<number>();
    for (let i = 0; i < 20 && after.size < 2; i++) {
      const res = await request(url, { headers: { connection: 'close' } });
      after.add(JSON.parse(await res.body.text()).pid);
    }
    expect(after.size).toBe(2);
    expect(after.has(victim)).toBe(false);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.output().match(/app: shutdown/g)).toHaveLength(2);
    expect(cli.output()).toContain('Stopping parent process');
  });

  test('--reload restarts the server when the app file changes', async () => {
    const dir = appDir({ 'app.js': 'exports.app = async (s, r, send) => { if (s.type !== "http") return; await send({ type: "http.response.start", status: 200 }); await send({ type: "http.response.body", body: Buffer.from("version 1") }); };' });
    const port = await freePort();
    cli = spawnCli(['serve', `${dir}/app.js:app`, '--port', String(port), '--reload']);
    const url = await cli.waitForUrl();
    expect(await (await request(url)).body.text()).toBe('version 1');
    writeFileSync(join(dir, 'app.js'), readFileSync(join(dir, 'app.js'), 'utf8').replace('version 1', 'version 2'));
    await cli.waitForOutput(/detected changes in .*app\.js.*Reloading/);
    await cli.waitForOutput(/(running on[\s\S]*){2}/);
    expect(await (await request(url)).body.text()).toBe('version 2');
    writeFileSync(join(dir, 'notes.txt'), 'not source'); // ignored: not a watched extension
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.output().match(/Reloading/g)).toHaveLength(1);
    expect(cli.output()).toContain('Stopping reloader process');
  });

  test('the built bin (dist/cli.js) runs an app', async () => {
    const bin = join(PACKAGE_DIR, 'dist', 'cli.js');
    if (!existsSync(bin)) execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(PACKAGE_DIR, 'tsconfig.build.json')]);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const dir = appDir({ 'app.js': RAW_APP });
    cli = spawnCli(['serve', `${dir}/app.js:app`, '--port', '0'], { script: bin });
    const url = await cli.waitForUrl();
    expect(JSON.parse(await (await request(`${url}/built`)).body.text())).toMatchObject({ path: '/built', state: 'boot' });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });
});

describe('--ws-per-message-deflate', () => {
  let cli: CliProcess | null = null;
  afterEach(() => killQuietly(cli));

  test('turns permessage-deflate negotiation on (it is off by default)', async () => {
    const dir = appDir({
      'app.js': `exports.app = async (scope, receive, send) => {
        if (scope.type !== 'websocket') return;
        await receive();
        await send({ type: 'websocket.accept' });
        while ((await receive()).type !== 'websocket.disconnect');
      };`,
    });
    for (const [flags, extensions] of [[[], ''], [['--ws-per-message-deflate'], 'permessage-deflate']] as const) {
      cli = spawnCli(['serve', `${join(dir, 'app.js')}:app`, '--port', '0', '--lifespan', 'off', ...flags]);
      const ws = new WebSocket((await cli.waitForUrl()).replace('http', 'ws'), { perMessageDeflate: true });
      await new Promise((resolve) => ws.once('open', resolve));
      expect(ws.extensions).toBe(extensions);
      ws.close();
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
    }
  });
});
