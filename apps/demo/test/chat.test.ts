// WebSockets (echo, the chat room), the chat page and the static files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocketDisconnect, type TestClient } from 'starlette-ts';
import { manager } from '../src/controllers/chat';
import { STATIC_DIRECTORY } from '../src/main';
import { startClient } from './helpers';

let client: TestClient;

beforeAll(async () => {
  ({ client } = await startClient());
});

afterAll(async () => {
  await client.close();
});

describe('WS /ws', () => {
  test('echoes each text message', async () => {
    const ws = await client.websocketConnect('/ws');
    await ws.sendText('hello');
    expect(await ws.receiveText()).toBe('Echo: hello');
    await ws.sendText('');
    expect(await ws.receiveText()).toBe('Echo: ');
    await ws.sendText('ünïcödé ✓');
    expect(await ws.receiveText()).toBe('Echo: ünïcödé ✓');
    await ws.close();
  });

  test('a binary frame closes the socket with an error, as receive_text does', async () => {
    const ws = await client.websocketConnect('/ws');
    await ws.sendBytes(Buffer.from('x'));
    await expect(ws.close()).rejects.toThrow();
  });

  test('an unknown websocket path is refused', async () => {
    await expect(client.websocketConnect('/nope')).rejects.toBeInstanceOf(WebSocketDisconnect);
  });
});

describe('WS /chat', () => {
  test('broadcasts every message to everyone connected', async () => {
    const alice = await client.websocketConnect('/chat?name=alice');
    expect(await alice.receiveText()).toBe('alice joined the chat');
    const bob = await client.websocketConnect('/chat', { params: { name: 'bob' } });
    expect(await alice.receiveText()).toBe('bob joined the chat');
    expect(await bob.receiveText()).toBe('bob joined the chat');

    await alice.sendText('hi bob');
    expect(await alice.receiveText()).toBe('alice: hi bob');
    expect(await bob.receiveText()).toBe('alice: hi bob');
    await bob.sendText('hi alice');
    expect(await bob.receiveText()).toBe('bob: hi alice');
    expect(await alice.receiveText()).toBe('bob: hi alice');

    await bob.close();
    expect(await alice.receiveText()).toBe('bob left the chat');
    expect(manager.activeConnections.size).toBe(1);
    await alice.close();
    expect(manager.activeConnections.size).toBe(0);
  });

  test('a client without a name is "anonymous"', async () => {
    const ws = await client.websocketConnect('/chat');
    expect(await ws.receiveText()).toBe('anonymous joined the chat');
    await ws.close();
  });

  test('a name over 40 characters is refused with 1008 (policy violation)', async () => {
    await expect(client.websocketConnect(`/chat?name=${'x'.repeat(41)}`)).rejects.toMatchObject({ code: 1008 });
    expect(manager.activeConnections.size).toBe(0);
  });
});

describe('the chat page and static files', () => {
  test('GET /chat is the HTML page that loads the chat script', async () => {
    const r = await client.get('/chat');
    expect([r.status, r.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(r.text).toContain('<script src="/static/chat.js"></script>');
    expect(r.text).toContain('<link rel="stylesheet" href="/static/chat.css">');
  });

  test.each([
    ['chat.js', 'text/javascript; charset=utf-8'],
    ['chat.css', 'text/css; charset=utf-8'],
  ])('GET /static/%s serves the file', async (name, type) => {
    const r = await client.get(`/static/${name}`);
    const file = readFileSync(join(STATIC_DIRECTORY, name));
    expect([r.status, r.headers.get('content-type'), r.headers.get('content-length')]).toEqual([200, type, String(file.length)]);
    expect(Buffer.from(r.content).equals(file)).toBe(true);
    expect(r.headers.get('etag')).toMatch(/^"[0-9a-f]+"$/);
  });

  test('a conditional GET with the ETag is 304', async () => {
    const first = await client.get('/static/chat.js');
    const r = await client.get('/static/chat.js', { headers: { 'if-none-match': first.headers.get('etag') as string } });
    expect([r.status, r.text]).toEqual([304, '']);
  });

  test('a missing file is 404, answered by FastAPI\'s handler as JSON', async () => {
    const r = await client.get('/static/missing.js');
    expect([r.status, r.json()]).toEqual([404, { detail: 'Not Found' }]);
  });

  test.each(['/static/../src/main.ts', '/static/%2e%2e/package.json', '/static/..%2fpackage.json'])('no path traversal: %s', async (path) => {
    const r = await client.get(path);
    expect(r.status).toBe(404);
    expect(r.text).not.toContain('createApp');
  });

  test('POST to a static file is 405', async () => {
    const r = await client.post('/static/chat.js');
    expect(r.status).toBe(405);
  });
});
