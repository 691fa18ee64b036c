// A failing lifespan startup, through the CLI in a child process: exit code 3 (uvicorn's STARTUP_FAILURE),
// uvicorn's message, nothing listening while startup runs (uvicorn binds after startup), and the port free at once.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { appDir, connectOutcome, freePort, killQuietly, spawnCli, type CliProcess } from './cli-helpers';

jest.setTimeout(60000);

/** An app whose startup takes a moment (so the port can be probed meanwhile), then fails as `fail` says. */
const failingApp = (fail: string) => `
exports.app = async (scope, receive, send) => {
  if (scope.type !== 'lifespan') return;
  await receive();
  console.log('app: starting');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  ${fail}
};
`;

const FAILURES = {
  'sends lifespan.startup.failed': {
    code: `await send({ type: 'lifespan.startup.failed', message: 'database unreachable' });`,
    lifespan: 'auto',
    logged: 'ERROR:    database unreachable\nERROR:    Application startup failed. Exiting.',
  },
  'throws (--lifespan on)': {
    code: `throw new Error('database unreachable');`,
    lifespan: 'on',
    logged: "ERROR:    Exception in 'lifespan' protocol",
  },
};

/** Binds `port` and releases it: resolves 'bound', or the error code if something still holds it. */
function bindOnce(port: number): Promise<string> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve('bound')));
  });
}

let cli: CliProcess | null = null;
afterEach(() => killQuietly(cli));

describe.each(Object.entries(FAILURES))('a lifespan startup that %s', (_name, failure) => {
  test.each([['one process', []], ['--workers 2', ['--workers', '2']]])(
    '%s: exits 3 with a clear message, never listens, and leaves the port free',
    async (_mode, extra) => {
      const dir = appDir({ 'app.js': failingApp(failure.code) });
      const port = await freePort();
      cli = spawnCli(['serve', `${join(dir, 'app.js')}:app`, '--port', String(port), '--lifespan', failure.lifespan, ...(extra as string[])]);
      await cli.waitForOutput(/app: starting/);
      expect(await connectOutcome(port)).toBe('ECONNREFUSED'); // startup runs before the bind
      expect(await cli.exited).toBe(3);
      expect(await bindOnce(port)).toBe('bound');
      const output = cli.output();
      expect(output).toContain(failure.logged);
      expect(output).toContain('database unreachable');
      expect(output).toContain('ERROR:    Application startup failed. Exiting.');
      expect(output).not.toContain('running on');
      if (extra.length > 0) expect(output).toMatch(/Child process \[\d+\] failed to start, stopping the parent process\./);
    },
  );
});
