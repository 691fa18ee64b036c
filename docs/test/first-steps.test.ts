import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { TestClient } from 'starlette-ts';
import { app } from '../examples/first-steps/main';

const client = new TestClient(app);

test('GET / says hello', async () => {
  const response = await client.get('/');
  expect(response.status).toBe(200);
  expect(response.json()).toEqual({ message: 'Hello World' });
});

test('the OpenAPI document and the docs page are there', async () => {
  const openapi = await client.get('/openapi.json');
  expect(openapi.json<any>().paths['/']).toEqual({
    get: {
      summary: 'Root',
      operationId: 'root__get',
      responses: { '200': { description: 'Successful Response', content: { 'application/json': { schema: {} } } } },
    },
  });
  const docs = await client.get('/docs');
  expect(docs.status).toBe(200);
  expect(docs.text).toContain('<title>FastAPI - Swagger UI</title>');
});

test('npx ts-node main.ts, with the tsconfig.json of the page, serves on PORT', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  const example = join(__dirname, '..', 'examples', 'first-steps');
  // The packages are mapped to their sources, as Jest does, since dist/ may not be built; those
  // sources sit outside the example's directory, hence the rootDir a real project does not need.
  const sources = join(__dirname, '..', '..', 'packages', 'fastapi-ts', 'test', 'fixtures', 'cli', 'sources.js');
  const child = spawn(process.execPath, ['-r', sources, '-r', 'ts-node/register/transpile-only', join(example, 'main.ts')], {
    cwd: example,
    env: { ...process.env, PORT: String(port), TS_NODE_PROJECT: join(example, 'tsconfig.json'), TS_NODE_COMPILER_OPTIONS: '{"rootDir":"/"}' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const end = Date.now() + 120_000;
    while (!output.includes(`running on http://127.0.0.1:${port}`)) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`not serving; output:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const response = await request(`http://127.0.0.1:${port}/`);
    expect(await response.body.json()).toEqual({ message: 'Hello World' });
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
}, 150_000);
