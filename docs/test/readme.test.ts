// The README's five minutes: its app and its TestClient test run here against the sources,
// and the same main.ts is served by `npx ts-node main.ts` in a fresh project that installed
// the packed packages (`npm pack`), as a newcomer would, so the exports maps, the built
// dist/ and the declared dependencies are what is tested.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { request } from 'undici';

// The README's TestClient test, run as part of this file.
import '../examples/readme/main.test';

const REPO = join(__dirname, '..', '..');
const EXAMPLE = join(REPO, 'docs', 'examples', 'readme');
const PACKAGES = ['asgi-core', 'starlette-ts', 'fastapi-ts'];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('a newcomer installing the packed packages', () => {
  let project: string;

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'fastapi-ts-newcomer-'));
    for (const name of PACKAGES) {
      // dist/ is built by turbo before the tests; npm pack takes what `files` lists.
      npm(['pack', '--silent', '--pack-destination', project], join(REPO, 'packages', name));
    }
    const packed = readdirSync(project).filter((file) => file.endsWith('.tgz')).map((file) => `./${file}`);
    expect(packed).toHaveLength(3);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'newcomer', version: '1.0.0', private: true }));
    npm(['install', '--no-audit', '--no-fund', ...packed, 'zod@^4', 'reflect-metadata', 'typescript@~6.0.3', 'ts-node', '@types/node@^20'], project);
    copyFileSync(join(EXAMPLE, 'main.ts'), join(project, 'main.ts'));
    copyFileSync(join(EXAMPLE, 'tsconfig.json'), join(project, 'tsconfig.json'));
  }, 300_000);

  afterAll(() => rmSync(project, { recursive: true, force: true }));

  test('npx ts-node main.ts serves the app and its offline /docs on PORT', async () => {
    const port = await freePort();
    const child = spawn('npx', ['ts-node', 'main.ts'], {
      cwd: project,
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: npx and the server it starts stop together
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const end = Date.now() + 120_000;
      while (!output.includes(`running on http://127.0.0.1:${port}`)) {
        if (Date.now() > end || child.exitCode !== null) throw new Error(`not serving; output:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const base = `http://127.0.0.1:${port}`;
      expect(await (await request(`${base}/`)).body.json()).toEqual({ message: 'Hello World' });

      const created = await request(`${base}/items/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Hammer', price: 9.5 }),
      });
      expect([created.statusCode, await created.body.json()]).toEqual([201, { name: 'Hammer', price: 9.5, description: null, tags: [] }]);

      const docs = await request(`${base}/docs`);
      const html = await docs.body.text();
      expect(docs.statusCode).toBe(200);
      expect(html).toContain('<title>My first API - Swagger UI</title>');
      // The page's script is served by the app itself, not a CDN.
      const script = /src="([^"]*swagger-ui-bundle\.js[^"]*)"/.exec(html)?.[1];
      expect(script?.startsWith('/docs/')).toBe(true);
      expect((await request(`${base}${script}`)).statusCode).toBe(200);

      const openapi = (await (await request(`${base}/openapi.json`)).body.json()) as { openapi: string; paths: Record<string, unknown> };
      expect(openapi.openapi).toBe('3.1.0');
      expect(Object.keys(openapi.paths).sort()).toEqual(['/', '/items/', '/items/{item_id}']);
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(-child.pid!, 'SIGTERM');
        await exited;
      }
    }
  }, 180_000);
});
