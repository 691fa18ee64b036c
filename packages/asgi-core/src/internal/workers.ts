/**
 * `--workers N` (uvicorn's `Multiprocess` supervisor) on node:cluster: the
 * primary forks N workers that share the listening port, each running its
 * own server and lifespan; a worker that dies is replaced; SIGINT/SIGTERM
 * stop every worker gracefully.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../logging';

/** Exit code of a worker that failed before serving (uvicorn's `STARTUP_FAILURE`). */
export const STARTUP_FAILURE = 3;

/** Runs the cluster primary until it is told to stop; resolves with the process exit code. */
export function runWorkers(count: number, logger: Logger): Promise<number> {
  return new Promise((resolveExit) => {
    let stopping = false;
    let exitCode = 0;
    const serving = new WeakSet<Worker>();

    logger.info(`Started parent process [${process.pid}]`);

    const fork = (): void => {
      const worker = cluster.fork();
      worker.on('listening', () => serving.add(worker));
    };

    const stop = (code: number): void => {
      if (stopping) return;
      stopping = true;
      exitCode = code;
      const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
      for (const worker of workers) {
        if (!worker.isDead()) {
          worker.process.kill('SIGTERM');
          logger.info(`Terminated child process [${worker.process.pid}]`);
        }
      }
      finishIfDone();
    };

    const finishIfDone = (): void => {
      const alive = Object.values(cluster.workers ?? {}).filter((worker) => worker && !worker.isDead());
      if (stopping && alive.length === 0) {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
        logger.info(`Stopping parent process [${process.pid}]`);
        resolveExit(exitCode);
      }
    };

    const onSignal = (): void => stop(exitCode);

    cluster.on('exit', (worker, code, signal) => {
      if (stopping) {
        finishIfDone();
        return;
      }
      if (!serving.has(worker)) {
        // It never served: the app, the port or the lifespan is broken, and a new worker would fail alike.
        logger.error(`Child process [${worker.process.pid}] failed to start, stopping the parent process.`);
        stop(code || STARTUP_FAILURE);
        return;
      }
      logger.info(`Child process [${worker.process.pid}] died${signal ? ` (${signal})` : ` (exit code ${code})`}`);
      fork();
    });

    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    for (let i = 0; i < count; i++) fork();
  });
}
