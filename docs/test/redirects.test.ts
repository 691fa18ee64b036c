import { TestClient } from 'starlette-ts';
import { app } from '../examples/redirects/main';

const client = new TestClient(app, { followRedirects: false });

test('307 by default, any 3xx on request', async () => {
  const temporary = await client.get('/typer');
  expect([temporary.status, temporary.headers.get('location')]).toEqual([307, 'https://typer.tiangolo.com']);
  const permanent = await client.get('/old-docs');
  expect([permanent.status, permanent.headers.get('location')]).toEqual([301, '/docs']);
});
