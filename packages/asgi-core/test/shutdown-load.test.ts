// Graceful shutdown of the CLI with 1 000 requests in flight, over raw sockets to a child process.
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { appDir, connectOutcome, killQuietly, spawnCli, type CliProcess } from './cli-helpers';

jest.setTimeout(120000);

const IN_FLIGHT = 1000;
const IDLE = 20;

// Requests are held until the server receives SIGTERM, so all 1 000 are provably in flight at the signal;
// each then takes another 200-500 ms and, for POSTs, reads its body only after the signal.
const APP = `
const waiters = [];
let released = false;
let inFlight = 0;
let answered = 0;
process.on('SIGTERM', () => { released = true; for (const wake of waiters.splice(0)) wake(); });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

exports.app = async (scope, receive, send) => {
  if (scope.type === 'lifespan') {
    await receive();
    await send({ type: 'lifespan.startup.complete' });
    await receive();
    console.log('app: shutdown after ' + answered + ' answers');
    await send({ type: 'lifespan.shutdown.complete' });
    return;
  }
  if (scope.path === '/ping') {
    await send({ type: 'http.response.start', status: 200, headers: [['content-type', 'text/plain']] });
    await send({ type: 'http.response.body', body: Buffer.from('pong') });
    return;
  }
  const n = Number(scope.path.slice(1));
  if (++inFlight % 100 === 0) console.log('app: in flight ' + inFlight);
  if (!released) await new Promise((resolve) => waiters.push(resolve));
  await sleep(200 + (n % 301));
  const parts = [];
  for (;;) {
    const message = await receive();
    if (message.type !== 'http.request') return;
    parts.push(message.body);
    if (!message.more_body) break;
  }
  await send({ type: 'http.response.start', status: 200, headers: [['content-type', 'text/plain']] });
  await send({ type: 'http.response.body', body: Buffer.concat([Buffer.from(scope.method + ' ' + n + ' '), ...parts]) });
  answered++;
};
`;

/** Request `n`: GETs, small POSTs, and every tenth a 100 KB POST (more than node reads ahead). */
function requestBody(n: number): string {
  if (n % 2 === 0) return '';
  return n % 10 === 1 ? 'b'.repeat(100_000) : `payload ${n}`;
}

function expectedBody(n: number): string {
  return `${n % 2 === 0 ? 'GET' : 'POST'} ${n} ${requestBody(n)}`;
}

/** Opens a connection, writes `request`, and resolves with every byte received until the server closes it. */
function exchange(port: number, request: string): { socket: Socket; received: Promise<string> } {
  const socket = connect(port, '127.0.0.1', () => socket.write(request));
  const chunks: Buffer[] = [];
  socket.on('data', (chunk) => chunks.push(chunk));
  const received = new Promise<string>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
  return { socket, received };
}

let cli: CliProcess | null = null;
afterEach(() => killQuietly(cli));

test('SIGTERM with 1 000 requests in flight: every one gets its full response, new connections are refused, idle ones closed, lifespan shutdown runs, exit 0', async () => {
  const dir = appDir({ 'app.js': APP });
  cli = spawnCli(['serve', `${join(dir, 'app.js')}:app`, '--port', '0', '--lifespan', 'on', '--no-access-log', '--timeout-keep-alive', '120']);
  const port = Number(new URL(await cli.waitForUrl()).port);

  // Keep-alive connections that answered one request and now sit idle.
  const idle = Array.from({ length: IDLE }, () => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.write('GET /ping HTTP/1.1\r\nhost: test\r\n\r\n'));
    socket.on('data', (chunk) => chunks.push(chunk));
    const closed = new Promise<string>((resolve) => {
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      socket.once('close', () => resolve('closed'));
    });
    return { socket, chunks, closed };
  });

  const requests = Array.from({ length: IN_FLIGHT }, (_, n) => {
    const body = requestBody(n);
    const head = body === ''
      ? `GET /${n} HTTP/1.1\r\nhost: test\r\n\r\n`
      : `POST /${n} HTTP/1.1\r\nhost: test\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\n\r\n`;
    return exchange(port, head + body).received;
  });
  await cli.waitForOutput(new RegExp(`app: in flight ${IN_FLIGHT}\\b`), 60000);
  for (const connection of idle) expect(Buffer.concat(connection.chunks).toString()).toMatch(/\r\n\r\npong$/);
  expect(idle.every((connection) => !connection.socket.destroyed)).toBe(true);

  cli.child.kill('SIGTERM');
  // Logged right after the listener closed (uvicorn's order: stop listening first), so a new connection is refused.
  await cli.waitForOutput(/Waiting for connections to close/);
  expect(await connectOutcome(port)).toBe('ECONNREFUSED');
  expect(await Promise.all(idle.map((connection) => connection.closed))).toEqual(Array(IDLE).fill('closed'));
  for (const connection of idle) expect(Buffer.concat(connection.chunks).toString()).toMatch(/\r\n\r\npong$/); // nothing more

  const responses = await Promise.all(requests);
  let complete = 0;
  responses.forEach((text, n) => {
    const split = text.indexOf('\r\n\r\n');
    const head = text.slice(0, split).split('\r\n');
    const body = text.slice(split + 4);
    expect(head[0]).toBe('HTTP/1.1 200 OK');
    expect(head).toContain('Connection: close');
    expect(head).toContain(`content-length: ${body.length}`);
    expect(body).toBe(expectedBody(n));
    complete++;
  });
  expect(complete).toBe(IN_FLIGHT);

  expect(await cli.exited).toBe(0);
  const output = cli.output();
  expect(output).toContain(`app: shutdown after ${IN_FLIGHT} answers`);
  expect(output).toContain('Waiting for connections to close. (CTRL+C to force quit)');
  // The app's console.log goes to stdout, the server's log to stderr: only lines of one stream are ordered,
  // so the server's sequence is checked on its own lines (the app's `app: ` lines may fall anywhere between).
  const serverLog = output.split('\n').filter((line) => !line.startsWith('app: ')).join('\n');
  expect(serverLog).toMatch(/Waiting for application shutdown\.\n.*Application shutdown complete\.\n.*Finished server process/);
  expect(output).not.toContain('ERROR');
});
