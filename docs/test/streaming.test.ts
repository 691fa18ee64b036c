import { serve, type ServerHandle } from 'asgi-core';
import { request } from 'undici';
import { TestClient } from 'starlette-ts';
import { app } from '../examples/streaming/main';

const client = new TestClient(app, { raiseServerExceptions: false });

test('a stream is sent as it is produced', async () => {
  const response = await client.get('/count/3');
  expect([response.status, response.text, response.headers.get('content-type')]).toEqual([200, '1\n2\n3\n', 'text/plain; charset=utf-8']);
});

test('errors known before the first chunk still get their status', async () => {
  const response = await client.get('/reports/nope');
  expect([response.status, response.json()]).toEqual([404, { detail: 'Report not found' }]);
  expect((await client.get('/reports/q1')).text).toBe('jan\nfeb\nmar\n');
});

test('an error inside the stream, reported in the stream', async () => {
  const response = await client.get('/reports/broken/ndjson');
  expect(response.status).toBe(200);
  expect(response.text).toBe('{"row":"apr"}\n{"error":"row 1 is corrupt"}\n');
});

describe('over a real connection', () => {
  let server: ServerHandle;
  beforeAll(async () => {
    server = await serve(app, { host: '127.0.0.1', port: 0, lifespan: 'off', logLevel: 'critical', accessLog: false });
  });
  afterAll(() => server.close());

  test('a stream that fails midway has already sent 200: the connection is cut, the body is incomplete', async () => {
    const response = await request(`${server.url}/reports/broken`);
    expect(response.statusCode).toBe(200);
    await expect(response.body.text()).rejects.toThrow();
  });
});
