import { serve } from 'asgi-core';
import { request } from 'undici';
import { TestClient } from 'starlette-ts';
import { app } from '../examples/header-cookie/main';

const client = new TestClient(app);

test('User-Agent through user_agent', async () => {
  expect((await client.get('/headers/')).json()).toEqual({ 'User-Agent': 'testclient' });
  expect((await client.get('/headers/', { headers: { 'User-Agent': 'curl/8' } })).json()).toEqual({ 'User-Agent': 'curl/8' });
});

test('a repeated header is a list', async () => {
  // Over a real socket: undici sends the two header lines as they are.
  const server = await serve(app, { host: '127.0.0.1', port: 0, lifespan: 'off', logLevel: 'critical', accessLog: false });
  try {
    const response = await request(`${server.url}/tokens/`, { headers: ['x-token', 'foo', 'x-token', 'bar'] });
    expect(await response.body.json()).toEqual({ 'X-Token values': ['foo', 'bar'] });
  } finally {
    await server.close();
  }
  expect((await client.get('/tokens/')).json()).toEqual({ 'X-Token values': null });
});

test('a cookie', async () => {
  expect((await client.get('/cookies/', { cookies: { ads_id: 'ads_track' } })).json()).toEqual({ ads_id: 'ads_track' });
  expect((await client.get('/cookies/')).json()).toEqual({ ads_id: null });
});
