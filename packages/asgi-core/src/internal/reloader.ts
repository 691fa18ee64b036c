/**
 * `--reload` (uvicorn's `BaseReload` supervisor): a parent process watches
 * the source directories and restarts the server child when a file changes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, watch, type FSWatcher } from 'node:fs';
import { extname, join, relative } from 'node:path';
import type { Logger } from '../logging';

const WATCHED_EXTENSIONS = new Set(['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts', '.json']);
const IGNORED_SEGMENTS = new Set(['node_modules', 'dist', '.git', 'coverage', '.turbo']);

/** Options of {@link runReloader}. */
export interface ReloaderOptions {
  /** Directories to watch (recursively). */
  dirs: string[];
  /** Arguments for the child (the CLI's own arguments without `--reload`). */
  args: string[];
  /** Milliseconds to wait for more changes before restarting (uvicorn's `reload_delay`, 250 ms). */
  delay?: number;
  logger: Logger;
}

/** Whether a changed path should trigger a restart: source files outside dependency and build folders. */
export function isWatchedPath(path: string): boolean {
  const segments = path.split(/[\\/]/);
  if (segments.some((segment) => IGNORED_SEGMENTS.has(segment) || (segment.startsWith('.') && segment.length > 1))) return false;
  return WATCHED_EXTENSIONS.has(extname(path));
}

function watchTree(dir: string, onChange: (path: string) => void): FSWatcher[] {
  try {
    return [watch(dir, { recursive: true }, (_event, name) => name && onChange(join(dir, name.toString())))];
  } catch {
    // No recursive watching on this platform: watch each directory.
    const watchers: FSWatcher[] = [];
    const walk = (current: string): void => {
      watchers.push(watch(current, (_event, name) => name && onChange(join(current, name.toString()))));
      for (const entry of readdirSync(current, { withFileTypes: true })) {
        if (entry.isDirectory() && !IGNORED_SEGMENTS.has(entry.name) && !entry.name.startsWith('.')) walk(join(current, entry.name));
      }
    };
    walk(dir);
    return watchers;
  }
}

/** Runs the reloader until SIGINT/SIGTERM; resolves with the exit code. */
export function runReloader(options: ReloaderOptions): Promise<number> {
  const { logger } = options;
  const delay = options.delay ?? 250;
  return new Promise((resolveExit) => {
    let child: ChildProcess | null = null;
    let stopping = false;
    let restarting = false;
    let timer: NodeJS.Timeout | null = null;
    const changed = new Set<string>();

    const start = (): void => {
      child = fork(process.argv[1], options.args, { execArgv: process.execArgv, stdio: 'inherit' });
      child.once('exit', () => {
        child = null;
        if (stopping) finish();
      });
    };

    const stopChild = (): Promise<void> =>
      new Promise((resolve) => {
        const current = child;
        if (current === null || current.exitCode !== null) return resolve();
        current.once('exit', () => resolve());
        current.kill('SIGTERM');
      });

    const restart = async (): Promise<void> => {
      if (restarting || stopping) return;
      restarting = true;
      const paths = [...changed].map((path) => `'${relative(process.cwd(), path) || path}'`);
      changed.clear();
      logger.warning(`fs.watch detected changes in ${paths.join(', ')}. Reloading...`);
      await stopChild();
      if (!stopping) start();
      restarting = false;
      if (changed.size > 0) schedule();
    };

    const schedule = (): void => {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        void restart();
      }, delay);
    };

    const watchers = options.dirs.flatMap((dir) =>
      watchTree(dir, (path) => {
        if (!isWatchedPath(relative(dir, path))) return;
        changed.add(path);
        schedule();
      }),
    );

    const finish = (): void => {
      for (const watcher of watchers) watcher.close();
      if (timer !== null) clearTimeout(timer);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      logger.info(`Stopping reloader process [${process.pid}]`);
      resolveExit(0);
    };

    const onSignal = (): void => {
      if (stopping) return;
      stopping = true;
      if (child === null) finish();
      else child.kill('SIGTERM');
    };

    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    logger.info(`Will watch for changes in these directories: ${JSON.stringify(options.dirs)}`);
    logger.info(`Started reloader process [${process.pid}] using fs.watch`);
    start();
  });
}
