/**
 * A real server for tests that check what the server logs: `app` served on
 * 127.0.0.1, port 0, lifespan off, with a logger whose records land in an array;
 * and a poll for conditions the server meets after the client has its answer.
 */
import { Logger, serve, type ASGIApp, type LogLevel, type ServerHandle } from 'asgi-core';

/** One line the server logged, with its level. */
export interface LogRecord {
  level: LogLevel;
  line: string;
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Serves `app` with a logger (info, no access log) that appends to `records`; returns the handle and its port. */
export async function serveRecording(app: ASGIApp, records: LogRecord[]): Promise<{ handle: ServerHandle; port: number }> {
  const logger = new Logger({ level: 'info', accessLog: false, sink: (line, level) => void records.push({ level, line }) });
  const handle = await serve(app, { host: '127.0.0.1', port: 0, lifespan: 'off', logger });
  return { handle, port: (handle.address as { port: number }).port };
}

/** Polls until `condition` holds, or fails naming `what` after `timeoutMs`. */
export async function until(condition: () => boolean, what = 'the condition', timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
