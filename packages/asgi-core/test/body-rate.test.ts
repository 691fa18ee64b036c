// Minimum request-body data rate (Kestrel's MinRequestBodyDataRate) over raw sockets.
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import type { ASGIApp, HTTPReceiveMessage } from 'asgi-core';
import { readBody, sleep, startServer, waitFor, type TestServer } from './helpers';
import { appDir, killQuietly, spawnCli, type CliProcess } from './cli-helpers';

jest.setTimeout(30000);

const TIMEOUT_408 =
  'HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 16\r\nconnection: close\r\n\r\nRequest timeout.';
// Short enough to run in seconds: 1 000 B/s after 0.5 s of waiting for the body.
const RATE = { minRequestBodyRate: 1000, minRequestBodyRateGracePeriod: 0.5 };

interface Upload {
  /** Everything the server sent, once it closed the connection. */
  response: Promise<string>;
  /** Milliseconds from the first body byte to the close. */
  closedAfter: Promise<number>;
}

/**
 * Sends a POST of `length` bytes: `first` bytes at once, then `step` bytes every `everyMs`,
 * until the body is complete or the server closes the connection.
 */
function upload(port: number, length: number, first: number, step: number, everyMs: number): Upload {
  const socket: Socket = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  let sent = 0;
  let timer: NodeJS.Timeout | null = null;
  const startedAt = Date.now();
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('data', (chunk) => chunks.push(chunk));
  socket.on('error', () => {}); // a write racing the server's close may reset; the bytes read so far are what counts
  const write = (count: number) => {
    const n = Math.min(count, length - sent);
    sent += n;
    if (!socket.destroyed) socket.write(Buffer.alloc(n, 'x'));
    if (sent >= length && timer !== null) clearInterval(timer);
  };
  socket.once('connect', () => {
    socket.write(`POST /upload HTTP/1.1\r\nhost: test\r\ncontent-length: ${length}\r\nconnection: close\r\n\r\n`);
    write(first);
    if (sent < length) timer = setInterval(() => write(step), everyMs);
  });
  closed.then(() => timer !== null && clearInterval(timer));
  return {
    response: closed.then(() => Buffer.concat(chunks).toString('latin1')),
    closedAfter: closed.then(() => Date.now() - startedAt),
  };
}

/** An app that reads the whole body, records what `receive()` returned, and echoes the body's length. */
function echoLength(events: HTTPReceiveMessage[][]): ASGIApp {
  return async (scope, receive, send) => {
    if (scope.type !== 'http') return;
    const { body, events: received } = await readBody(receive);
    events.push(received);
    await send({ type: 'http.response.start', status: 200, headers: [['content-type', 'text/plain']] });
    await send({ type: 'http.response.body', body: Buffer.from(`received ${body.length}`) });
  };
}

const errorLines = (server: TestServer) => server.logs.filter((line) => line.startsWith('ERROR'));

describe('minimum request-body data rate', () => {
  test('a body trickled below the rate is answered 408 after the grace period and the app receives http.disconnect', async () => {
    const events: HTTPReceiveMessage[][] = [];
    const server = await startServer(echoLength(events), RATE);
    try {
      const slow = upload(server.port, 10_000, 10, 1, 100); // ~10 B/s
      expect(await slow.response).toBe(TIMEOUT_408);
      expect(await slow.closedAfter).toBeGreaterThanOrEqual(500);
      expect(events).toHaveLength(1);
      const received = events[0];
      expect(received[received.length - 1]).toEqual({ type: 'http.disconnect' });
      const bytes = received.reduce((sum, event) => sum + (event.type === 'http.request' ? event.body.length : 0), 0);
      expect(bytes).toBeGreaterThanOrEqual(10);
      expect(bytes).toBeLessThan(10_000);
      expect(server.logs).toContain('WARNING:  Request body timeout: data arrived below the minimum rate.');
      expect(errorLines(server)).toEqual([]); // the app's late send() is a client disconnect, not an app error
    } finally {
      await server.close();
    }
  });

  test('a client that sends its headers and then no body at all is answered 408', async () => {
    const events: HTTPReceiveMessage[][] = [];
    const server = await startServer(echoLength(events), RATE);
    try {
      const silent = upload(server.port, 100, 0, 0, 100);
      expect(await silent.response).toBe(TIMEOUT_408);
      expect(events).toEqual([[{ type: 'http.disconnect' }]]);
    } finally {
      await server.close();
    }
  });

  test('once the response has started, a body below the rate closes the connection without a 408', async () => {
    const received: HTTPReceiveMessage[] = [];
    const server = await startServer(async (scope, receive, send) => {
      if (scope.type !== 'http') return;
      await send({ type: 'http.response.start', status: 200, headers: [['content-type', 'text/plain']] });
      await send({ type: 'http.response.body', body: Buffer.from('streaming;'), more_body: true });
      received.push(...(await readBody(receive)).events);
      await send({ type: 'http.response.body', body: Buffer.from('never sent') }).catch(() => {});
    }, RATE);
    try {
      const slow = upload(server.port, 10_000, 10, 1, 100);
      const text = await slow.response;
      expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(text).toContain('Transfer-Encoding: chunked');
      expect(text.endsWith('\r\n\r\na\r\nstreaming;\r\n')).toBe(true); // the chunk written so far, no terminating chunk
      expect(text).not.toContain('408');
      expect(received[received.length - 1]).toEqual({ type: 'http.disconnect' });
      expect(errorLines(server)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test('a fast body and a slow body above the rate are unaffected', async () => {
    const events: HTTPReceiveMessage[][] = [];
    const server = await startServer(echoLength(events), RATE);
    try {
      const fast = upload(server.port, 200_000, 200_000, 0, 100);
      // 2 000 B/s, twice the minimum, for ~1.5 s: three grace periods.
      const steady = upload(server.port, 3_000, 200, 200, 100);
      const [fastText, steadyText] = await Promise.all([fast.response, steady.response]);
      expect(fastText).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nreceived 200000$/);
      expect(steadyText).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nreceived 3000$/);
      expect(server.logs.some((line) => line.includes('minimum rate'))).toBe(false);
    } finally {
      await server.close();
    }
  });

  test('an app that is slow to read is not blamed on the client: only time spent waiting in receive() counts', async () => {
    const server = await startServer(async (scope, receive, send) => {
      if (scope.type !== 'http') return;
      let total = 0;
      for (let first = true; ; first = false) {
        const event = (await receive()) as HTTPReceiveMessage;
        if (event.type !== 'http.request') throw new Error('unexpected disconnect');
        total += event.body.length;
        if (!event.more_body) break;
        if (first) await sleep(1500); // busy elsewhere for three grace periods
      }
      await send({ type: 'http.response.start', status: 200, headers: [['content-type', 'text/plain']] });
      await send({ type: 'http.response.body', body: Buffer.from(`received ${total}`) });
    }, RATE);
    try {
      // 1 000 bytes in 0.4 s (2 000 B/s); over the app's 1.5 s that is 667 B/s, below the minimum if wall time counted.
      const steady = upload(server.port, 1_000, 200, 200, 100);
      expect(await steady.response).toMatch(/\r\n\r\nreceived 1000$/);
      expect(server.logs.some((line) => line.includes('minimum rate'))).toBe(false);
    } finally {
      await server.close();
    }
  });

  test('a trickled upload cannot hold up graceful shutdown: it is cut with 408 and close() resolves', async () => {
    const events: HTTPReceiveMessage[][] = [];
    const server = await startServer(echoLength(events), RATE);
    const slow = upload(server.port, 10_000, 10, 1, 100);
    await waitFor(() => server.server.inFlight === 1, 5000, 'the upload to reach the app');
    await server.close();
    expect(await slow.response).toBe(TIMEOUT_408);
    expect(events[0][events[0].length - 1]).toEqual({ type: 'http.disconnect' });
  });

  test('minRequestBodyRate: null disables the check', async () => {
    const events: HTTPReceiveMessage[][] = [];
    const server = await startServer(echoLength(events), { ...RATE, minRequestBodyRate: null });
    try {
      const slow = upload(server.port, 60, 10, 5, 100); // 50 B/s for ~1 s, far below 1 000 B/s
      expect(await slow.response).toMatch(/\r\n\r\nreceived 60$/);
    } finally {
      await server.close();
    }
  });
});

describe('--min-request-body-rate', () => {
  let cli: CliProcess | null = null;
  afterEach(() => killQuietly(cli));

  test('the CLI flags set the rate and grace period', async () => {
    const dir = appDir({
      'app.js': `exports.app = async (scope, receive, send) => {
        if (scope.type !== 'http') return;
        while ((await receive()).more_body);
        await send({ type: 'http.response.start', status: 200 });
        await send({ type: 'http.response.body', body: Buffer.from('done') });
      };`,
    });
    cli = spawnCli(['serve', `${join(dir, 'app.js')}:app`, '--port', '0', '--lifespan', 'off', '--min-request-body-rate', '1000', '--min-request-body-rate-grace-period', '0.5']);
    const port = Number(new URL(await cli.waitForUrl()).port);
    expect(await upload(port, 10_000, 10, 1, 100).response).toBe(TIMEOUT_408);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });
});
