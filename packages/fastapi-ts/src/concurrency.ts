/**
 * CPU-bound work off the event loop. FastAPI runs a plain `def` endpoint in a
 * thread pool so it cannot block the server; Node has one JavaScript thread
 * per process, so a handler that computes for a second stops every other
 * request for that second. `runInWorker` sends such a call to a pool of
 * worker threads (piscina) and awaits its result, keeping the event loop free.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Piscina from 'piscina';
import type { WorkerReply, WorkerTask } from './internal/concurrency-worker';

/** Sizing of the worker pool (piscina's options of the same names). */
export interface WorkerPoolOptions {
  /** Most threads at once (default: piscina's, 1.5 x the number of CPUs). */
  maxThreads?: number;
  /** Threads kept alive while idle (default: piscina's, half the number of CPUs). */
  minThreads?: number;
  /** Milliseconds an idle thread above `minThreads` lives (default: piscina's). */
  idleTimeout?: number;
  /** Extra Node options for the threads (`--require` hooks, for example); ts-node is added when needed. */
  execArgv?: string[];
}

let configured: WorkerPoolOptions = {};
let pool: Piscina | null = null;

function checkCount(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw new RangeError(`configureWorkerPool: ${name} must be an integer >= ${min}, got ${String(value)}.`);
  }
}

/**
 * Sets the size of the pool `runInWorker` uses. Call it before the first
 * `runInWorker` (or after `closeWorkerPool()`): a running pool is not resized.
 *
 * @example
 * configureWorkerPool({ maxThreads: 4, minThreads: 1, idleTimeout: 30_000 });
 */
export function configureWorkerPool(options: WorkerPoolOptions): void {
  if (pool !== null) {
    throw new TypeError('configureWorkerPool: the worker pool is already running; call closeWorkerPool() first.');
  }
  checkCount('maxThreads', options.maxThreads, 1);
  checkCount('minThreads', options.minThreads, 0);
  checkCount('idleTimeout', options.idleTimeout, 0);
  if (options.maxThreads !== undefined && options.minThreads !== undefined && options.minThreads > options.maxThreads) {
    throw new RangeError(`configureWorkerPool: minThreads (${options.minThreads}) is larger than maxThreads (${options.maxThreads}).`);
  }
  configured = { ...options };
}

/** Whether worker threads must load TypeScript through ts-node (running from sources, or a `.ts` task module). */
function needsTypeScript(entry: string, modulePath: string): boolean {
  return entry.endsWith('.ts') || /\.[cm]?ts$/.test(modulePath) || require.extensions['.ts'] !== undefined;
}

function tsNodeHook(): string {
  try {
    return require.resolve('ts-node/register/transpile-only');
  } catch {
    throw new TypeError('runInWorker: a TypeScript worker module needs ts-node (npm install --save-dev ts-node), or compile it to JavaScript first.');
  }
}

function workerEntry(): string {
  // `.js` in the published package (dist/), `.ts` when running from sources.
  for (const extension of ['.js', '.ts']) {
    const file = resolve(__dirname, 'internal', `concurrency-worker${extension}`);
    if (existsSync(file)) return file;
  }
  throw new TypeError(`runInWorker: the worker entry is missing next to ${__filename}.`);
}

function getPool(modulePath: string): Piscina {
  if (pool !== null) return pool;
  const filename = workerEntry();
  const execArgv = [...(configured.execArgv ?? [])];
  if (needsTypeScript(filename, modulePath) && !execArgv.some((arg) => arg.includes('ts-node'))) {
    execArgv.push('--require', tsNodeHook());
  }
  // Only the options that were set: piscina treats an explicit `undefined` as a value.
  const sizing = Object.fromEntries(
    Object.entries({ maxThreads: configured.maxThreads, minThreads: configured.minThreads, idleTimeout: configured.idleTimeout }).filter(
      ([, value]) => value !== undefined,
    ),
  );
  pool = new Piscina({ filename, execArgv, ...sizing });
  return pool;
}

function resolveModule(modulePath: string | URL): string {
  const path = modulePath instanceof URL || modulePath.startsWith('file:') ? fileURLToPath(modulePath) : modulePath;
  if (!isAbsolute(path)) {
    throw new TypeError(`runInWorker: modulePath must be absolute (use require.resolve('./module') or join(__dirname, ...)), got "${path}".`);
  }
  return path;
}

function rebuildError(error: { name: string; message: string; stack: string | undefined; code: unknown }): Error {
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  // The worker's stack says where the work failed, which is what a reader needs.
  if (error.stack !== undefined) rebuilt.stack = error.stack;
  if (error.code !== undefined) (rebuilt as Error & { code?: unknown }).code = error.code;
  return rebuilt;
}

/**
 * Calls `exportName` of the module at `modulePath` (absolute path or file
 * URL) with `args` on a worker thread and resolves with its result. Arguments
 * and the result are structured-cloned (no functions, no class instances'
 * methods). An error thrown in the worker is re-thrown here with its name,
 * message, stack and `code`. TypeScript modules load through ts-node in
 * development; in production point it at compiled JavaScript.
 *
 * @example
 * // heavy.ts: export function fib(n: number): number { ... }
 * app.get('/fib/{n}', { params: { n: Path(Int) } }, ({ n }) =>
 *   runInWorker(require.resolve('./heavy'), 'fib', n));
 */
export async function runInWorker<R = unknown>(modulePath: string | URL, exportName: string, ...args: unknown[]): Promise<R> {
  const path = resolveModule(modulePath);
  const task: WorkerTask = { modulePath: path, exportName, args };
  const reply = (await getPool(path).run(task)) as WorkerReply;
  if (!reply.ok) throw rebuildError(reply.error);
  return reply.value as R;
}

/**
 * Closes the pool once its queued tasks finish (call it on shutdown, after
 * the lifespan's `yield`). The next `runInWorker` starts a new pool.
 */
export async function closeWorkerPool(): Promise<void> {
  const current = pool;
  pool = null;
  if (current !== null) await current.close();
}

/** The running pool's size and load, or null when no pool is running (for health checks and tests). */
export function workerPoolStats(): { threads: number; maxThreads: number; minThreads: number; queueSize: number; completed: number } | null {
  if (pool === null) return null;
  return { threads: pool.threads.length, maxThreads: pool.maxThreads, minThreads: pool.minThreads, queueSize: pool.queueSize, completed: pool.completed };
}
