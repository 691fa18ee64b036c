// The keep-alive timeout (run on the server's heartbeat): it closes only connections that are really idle.
import { connect, type Socket } from 'node:net';
import type { ASGIApp, WebSocketReceiveMessage } from 'asgi-core';
import { sendText, sleep, startServer, waitFor, type TestServer } from './helpers';

const BIG = 32 * 1024 * 1024; // more than loopback's socket buffers hold, so node keeps some of it queued

const app: ASGIApp = async (scope, receive, send) => {
  if (scope.type === 'websocket') {
    await receive();
    await send({ type: 'websocket.accept' });
    for (;;) {
      const message = (await receive()) as WebSocketReceiveMessage;
      if (message.type !== 'websocket.receive') return;
      await send({ type: 'websocket.send', text: `echo: ${message.text}` });
    }
  }
  if (scope.type !== 'http') return;
  if (scope.path === '/slow') await sleep(800);
  if (scope.path === '/big') {
    await send({ type: 'http.response.start', status: 200, headers: [['content-length', String(BIG)]] });
    await send({ type: 'http.response.body', body: Buffer.alloc(BIG, 'x') });
    return;
  }
  await sendText(send, 200, scope.path);
};

/** A raw connection that records what it receives and when the server closed it. */
function rawClient(port: number): Promise<{ socket: Socket; received: () => string; closedAt: () => number | null }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let closedAt: number | null = null;
    const socket = connect(port, '127.0.0.1', () =>
      resolve({ socket, received: () => Buffer.concat(chunks).toString('latin1'), closedAt: () => closedAt }),
    );
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => (closedAt = Date.now()));
  });
}

const responses = (text: string) => text.match(/HTTP\/1\.1 200 OK/g)?.length ?? 0;

describe('keep-alive timeout', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(app, { timeoutKeepAlive: 0.2, accessLog: false });
  });
  afterAll(() => server.close());

  test('an idle connection is closed after the timeout, counted from its last answer', async () => {
    const client = await rawClient(server.port);
    client.socket.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => responses(client.received()) === 1);
    const answered = Date.now();
    await waitFor(() => client.closedAt() !== null, 3000, 'the close');
    const idle = client.closedAt()! - answered;
    expect(idle).toBeGreaterThanOrEqual(150);
    expect(idle).toBeLessThan(1500);
    expect(client.received()).toMatch(/\r\n\r\n\/a$/);
  });

  test('a request in flight longer than the timeout is answered on its kept-alive connection', async () => {
    const client = await rawClient(server.port);
    client.socket.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => responses(client.received()) === 1);
    client.socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => responses(client.received()) === 2 || client.closedAt() !== null, 3000);
    expect(client.received()).toMatch(/\/a[^]*\r\n\r\n\/slow$/);
    await waitFor(() => client.closedAt() !== null, 3000, 'the close after the slow answer');
  });

  test('a next request whose bytes trickle in past the timeout is still served', async () => {
    const client = await rawClient(server.port);
    client.socket.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => responses(client.received()) === 1);
    for (const char of 'GET /trickled HTTP/1.1\r\nHost: x\r\n\r\n') {
      expect(client.closedAt()).toBeNull();
      client.socket.write(char);
      await sleep(40); // about 1.5 s in all, the timeout being 0.2 s
    }
    await waitFor(() => responses(client.received()) === 2 || client.closedAt() !== null, 3000);
    expect(client.received()).toMatch(/\r\n\r\n\/trickled$/);
  });

  test('a response still queued for a client that stopped reading is delivered whole', async () => {
    const client = await rawClient(server.port);
    client.socket.pause();
    client.socket.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\n');
    await sleep(1000); // the app has returned long ago; node still holds what the socket could not take
    expect(client.closedAt()).toBeNull();
    client.socket.resume();
    await waitFor(() => client.received().length >= BIG, 10000, 'the whole body');
    const text = client.received();
    expect(text.slice(text.indexOf('\r\n\r\n') + 4)).toHaveLength(BIG);
  });

  test('a kept-alive connection upgraded to a WebSocket stays open while the WebSocket is idle', async () => {
    const client = await rawClient(server.port);
    client.socket.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => responses(client.received()) === 1);
    client.socket.write(
      'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    await waitFor(() => client.received().includes('101 Switching Protocols'));
    await sleep(800);
    expect(client.closedAt()).toBeNull();
    const payload = Buffer.from('still here');
    const mask = Buffer.from([1, 2, 3, 4]);
    const masked = payload.map((byte, i) => byte ^ mask[i % 4]);
    client.socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]));
    await waitFor(() => client.received().endsWith('echo: still here'), 3000, 'the echo');
    client.socket.destroy();
  });
});
