import { request } from 'undici';
import { threadId } from 'node:worker_threads';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serve, type ServerHandle } from 'asgi-core';
import { z } from 'zod';
import { FastAPI, Path } from '../src';
import { spinUntilReleased } from './fixtures/cpu-work';
import { closeWorkerPool, configureWorkerPool, runInWorker, workerPoolStats } from '../src/concurrency';

const CPU = join(__dirname, 'fixtures', 'cpu-work.ts');

afterEach(async () => {
  await closeWorkerPool();
  configureWorkerPool({});
});

describe('runInWorker', () => {
  test('calls the named export with the arguments on another thread and returns its result', async () => {
    const result = await runInWorker<{ threadId: number; spun: boolean }>(CPU, 'busyLoop', 5);
    expect(result.spun).toBe(true);
    expect(result.threadId).not.toBe(threadId);
    expect(await runInWorker(CPU, 'add', 1, 2, 3.5)).toBe(6.5);
  });

  test('accepts a file URL', async () => {
    expect(await runInWorker(pathToFileURL(CPU), 'add', 2, 2)).toBe(4);
  });

  test('re-throws a worker error with its name, message, code and the worker stack', async () => {
    const error = await runInWorker(CPU, 'fail', 'n is too big').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('RangeError');
    expect((error as Error).message).toBe('n is too big');
    expect((error as Error & { code: string }).code).toBe('E_TOO_BIG');
    expect((error as Error).stack).toContain('cpu-work.ts');
    expect((error as Error).stack).toContain('fail');
  });

  test('an export that is not a function is a clear error', async () => {
    await expect(runInWorker(CPU, 'notAFunction')).rejects.toThrow(
      `runInWorker: "notAFunction" exported by ${CPU} is not a function (found a number).`,
    );
    await expect(runInWorker(CPU, 'missing')).rejects.toThrow(`runInWorker: "missing" exported by ${CPU} is not a function (found no such export).`);
  });

  test('a module that does not exist is a clear error', async () => {
    await expect(runInWorker(join(__dirname, 'fixtures', 'nope.js'), 'x')).rejects.toThrow(/Cannot find module/);
  });

  test('a relative module path is refused before any thread starts', async () => {
    await expect(runInWorker('./fixtures/cpu-work', 'add')).rejects.toThrow(
      'runInWorker: modulePath must be absolute (use require.resolve(\'./module\') or join(__dirname, ...)), got "./fixtures/cpu-work".',
    );
    expect(workerPoolStats()).toBeNull();
  });

  test('arguments that cannot be cloned are rejected', async () => {
    await expect(runInWorker(CPU, 'add', () => 1)).rejects.toThrow(/could not be cloned/);
  });
});

describe('the pool', () => {
  test('is sized by configureWorkerPool and closed by closeWorkerPool', async () => {
    configureWorkerPool({ maxThreads: 2, minThreads: 1, idleTimeout: 1000 });
    await Promise.all([runInWorker(CPU, 'busyLoop', 50), runInWorker(CPU, 'busyLoop', 50), runInWorker(CPU, 'busyLoop', 50)]);
    const stats = workerPoolStats();
    expect(stats).toMatchObject({ maxThreads: 2, minThreads: 1, completed: 3, queueSize: 0 });
    expect(stats!.threads).toBeLessThanOrEqual(2);
    await closeWorkerPool();
    expect(workerPoolStats()).toBeNull();
    expect(await runInWorker(CPU, 'add', 1)).toBe(1); // a new pool starts on demand
  });

  test('with one thread, tasks queue and run one after another on the same thread', async () => {
    configureWorkerPool({ maxThreads: 1, minThreads: 1 });
    const results = await Promise.all([runInWorker<{ threadId: number }>(CPU, 'busyLoop', 20), runInWorker<{ threadId: number }>(CPU, 'busyLoop', 20)]);
    expect(results[0].threadId).toBe(results[1].threadId);
  });

  test('cannot be reconfigured while running', async () => {
    await runInWorker(CPU, 'add', 1);
    expect(() => configureWorkerPool({ maxThreads: 3 })).toThrow(
      'configureWorkerPool: the worker pool is already running; call closeWorkerPool() first.',
    );
  });

  test('rejects invalid sizes', () => {
    expect(() => configureWorkerPool({ maxThreads: 0 })).toThrow('configureWorkerPool: maxThreads must be an integer >= 1, got 0.');
    expect(() => configureWorkerPool({ minThreads: 1.5 })).toThrow('configureWorkerPool: minThreads must be an integer >= 0, got 1.5.');
    expect(() => configureWorkerPool({ idleTimeout: -1 })).toThrow('configureWorkerPool: idleTimeout must be an integer >= 0, got -1.');
    expect(() => configureWorkerPool({ maxThreads: 1, minThreads: 2 })).toThrow(
      'configureWorkerPool: minThreads (2) is larger than maxThreads (1).',
    );
  });

  test('closeWorkerPool without a pool is a no-op', async () => {
    await expect(closeWorkerPool()).resolves.toBeUndefined();
  });
});

describe('a CPU-heavy request over a real socket', () => {
  const order: string[] = [];
  let flag = new Int32Array(new SharedArrayBuffer(4));
  const app = new FastAPI();
  app.get('/hello', {}, () => {
    order.push('hello');
    return { message: 'Hello World' };
  });
  app.get('/busy', {}, async () => {
    order.push('busy started');
    const result = await runInWorker(CPU, 'spinUntilReleased', flag, 15_000);
    order.push('busy done');
    return result;
  });
  let server: ServerHandle;

  beforeAll(async () => {
    server = await serve(app, { host: '127.0.0.1', port: 0, lifespan: 'off', accessLog: false, logLevel: 'warning' });
  });
  afterAll(async () => {
    await server.close();
  });

  async function get(path: string): Promise<{ status: number; body: unknown }> {
    const response = await request(`${server.url}${path}`);
    return { status: response.statusCode, body: await response.body.json() };
  }

  async function until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  test('/hello answers while a worker thread spins, and the spin ends only when released', async () => {
    flag = new Int32Array(new SharedArrayBuffer(4));
    const busy = get('/busy');
    await until(() => order.includes('busy started'));
    await until(() => (workerPoolStats()?.threads ?? 0) > 0);
    // The worker now spins on the CPU; the event loop must still serve other requests.
    expect(await get('/hello')).toEqual({ status: 200, body: { message: 'Hello World' } });
    expect(order).toEqual(['busy started', 'hello']);
    Atomics.store(flag, 0, 1);
    expect(await busy).toEqual({ status: 200, body: { released: true } });
    expect(order).toEqual(['busy started', 'hello', 'busy done']);
  });

  test('the same spin on the event loop blocks everything until its time limit (what runInWorker avoids)', () => {
    const blocked = new Int32Array(new SharedArrayBuffer(4));
    const timer = setTimeout(() => Atomics.store(blocked, 0, 1), 10); // cannot run: the loop is busy spinning
    expect(spinUntilReleased(blocked, 300)).toEqual({ released: false });
    clearTimeout(timer);
  });
});
