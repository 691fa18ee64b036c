import { join } from 'node:path';
import { closeWorkerPool, configureWorkerPool, FastAPI, Int, Path, runInWorker } from 'fastapi-ts';

// Compiled to JavaScript, the module is primes.js next to this file; in development ts-node loads primes.ts.
const PRIMES = join(__dirname, 'primes');

configureWorkerPool({ maxThreads: 2, minThreads: 0, idleTimeout: 30_000 });

export const app = new FastAPI({
  lifespan: async function* () {
    yield {};
    await closeWorkerPool(); // let the threads finish and exit with the server
  },
});

// The event loop only waits; the counting happens on a worker thread.
app.get('/primes/{limit}', { params: { limit: Path(Int.min(0).max(50_000_000)) } }, async ({ limit }) => ({
  limit,
  primes: await runInWorker<number>(PRIMES, 'countPrimes', limit),
}));
