// Shared test helpers: a server with captured logs, raw socket exchanges.
import { connect } from 'node:net';
import { Logger, serve, type ASGIApp, type HTTPReceiveMessage, type Receive, type ServerHandle, type ServerOptions } from 'asgi-core';

export interface TestServer extends ServerHandle {
  logs: string[];
  port: number;
}

/** Starts `app` on 127.0.0.1:0 with a logger whose lines land in `logs`. */
export async function startServer(app: ASGIApp, options: ServerOptions = {}): Promise<TestServer> {
  const logs: string[] = [];
  const logger = new Logger({ level: 'trace', accessLog: options.accessLog ?? true, sink: (line) => logs.push(line) });
  const handle = await serve(app, { host: '127.0.0.1', port: 0, lifespan: 'off', ...options, logger: options.logger ?? logger });
  const address = handle.address;
  return Object.assign(handle, { logs, port: typeof address === 'string' ? 0 : address.port });
}

/** Sends `data` on a new TCP connection; resolves with everything received until the server closes it (or `ms`). */
export function rawExchange(port: number, data: string | Buffer, ms = 3000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.write(data));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed: false });
    }, ms);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed: true });
    });
  });
}

/** Reads the whole request body through `receive()`, recording each chunk's size and `more_body`. */
export async function readBody(receive: Receive): Promise<{ body: Buffer; events: HTTPReceiveMessage[] }> {
  const parts: Buffer[] = [];
  const events: HTTPReceiveMessage[] = [];
  for (;;) {
    const event = (await receive()) as HTTPReceiveMessage;
    events.push(event);
    if (event.type !== 'http.request') break;
    parts.push(Buffer.from(event.body));
    if (!event.more_body) break;
  }
  return { body: Buffer.concat(parts), events };
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true (or fails after `ms`). */
export async function waitFor(check: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A one-shot latch tests use to release an app at a chosen moment. */
export function latch(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** A plain-text ASGI response. */
export async function sendText(send: Parameters<ASGIApp>[2], status: number, text: string, headers: [string, string][] = []): Promise<void> {
  await send({ type: 'http.response.start', status, headers: [['content-type', 'text/plain'], ...headers] });
  await send({ type: 'http.response.body', body: Buffer.from(text) });
}
