import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve, type ServerHandle } from 'asgi-core';
import { request } from 'undici';
import { app } from '../examples/deployment/main';

describe('behind a proxy', () => {
  let server: ServerHandle;
  beforeAll(async () => {
    server = await serve(app, {
      host: '127.0.0.1', port: 0, lifespan: 'off', logLevel: 'critical', accessLog: false,
      rootPath: '/api', proxyHeaders: true, forwardedAllowIps: '127.0.0.1',
    });
  });
  afterAll(() => server.close());

  test('root path and X-Forwarded-* from a trusted proxy reach the app', async () => {
    const response = await request(`${server.url}/where`, {
      headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https', host: 'shop.example.com' },
    });
    expect(await response.body.json()).toEqual({
      root_path: '/api',
      url: 'https://shop.example.com/api/where',
      client: '203.0.113.7',
      scheme: 'https',
    });
  });

  test('the docs load the OpenAPI document under the prefix', async () => {
    const response = await request(`${server.url}/docs`);
    expect(await response.body.text()).toContain('url: "/api/openapi.json"');
  });
});

test('the Dockerfile runs the compiled app with fastapi-ts run', () => {
  const dockerfile = readFileSync(join(__dirname, '..', 'examples', 'deployment', 'Dockerfile'), 'utf8');
  expect(dockerfile).toContain('CMD ["npx", "fastapi-ts", "run", "dist/main.js", "--port", "8000", "--proxy-headers"]');
});
