// Spawning the CLI from source (node -r ts-node/register/transpile-only src/cli.ts) in tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PACKAGE_DIR = join(__dirname, '..');
export const CLI_SOURCE = join(PACKAGE_DIR, 'src', 'cli.ts');

export interface CliProcess {
  child: ChildProcess;
  /** stdout and stderr interleaved, as lines arrive. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output (rejects after `ms`). */
  waitForOutput(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** The URL from the "running on" line. */
  waitForUrl(ms?: number): Promise<string>;
}

/** Spawns `node [execArgv] <script> ...args` with the package as cwd, capturing output. */
export function spawnCli(args: string[], options: { script?: string; execArgv?: string[]; cwd?: string } = {}): CliProcess {
  const script = options.script ?? CLI_SOURCE;
  const execArgv = options.execArgv ?? (script === CLI_SOURCE ? ['-r', 'ts-node/register/transpile-only'] : []);
  const child = spawn(process.execPath, [...execArgv, script, ...args], {
    cwd: options.cwd ?? PACKAGE_DIR,
    env: { ...process.env, ASGI_CORE_CHILD: '', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitForOutput = (pattern: RegExp, ms = 20000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = text.match(pattern);
        if (match) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve(match);
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`Timed out waiting for ${pattern} in output:\n${text}`));
      }, ms);
      listeners.add(check);
      check();
    });
  return {
    child,
    output: () => text,
    waitForOutput,
    exited,
    waitForUrl: async (ms) => (await waitForOutput(/running on (http:\/\/[^\s]+)/, ms))[1],
  };
}

/** Writes `files` into a fresh temporary directory and returns its path. */
export function appDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'asgi-core-cli-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** A port that was free a moment ago (for processes that must rebind the same port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Stops a CLI process that a test left running. */
export function killQuietly(cli: CliProcess | null): void {
  if (cli && cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
}

/** What a TCP connect to the port gets: 'connected', or the error code (ECONNREFUSED while nothing listens). */
export function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}
