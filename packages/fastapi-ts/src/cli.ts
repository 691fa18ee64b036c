#!/usr/bin/env node
/**
 * The `fastapi-ts` command (fastapi-cli's `fastapi dev` / `fastapi run`), a
 * thin layer over asgi-core's server and supervisors:
 *
 *     fastapi-ts dev [file]   # 127.0.0.1:8000, reload on change, debug tracebacks
 *     fastapi-ts run [file]   # 0.0.0.0:8000, no reload, --workers N
 *
 * It finds the app (see `internal/cli-discovery.ts`), prints where it is
 * served and where its docs are, then hands `serve <file>:<export>` to
 * asgi-core's CLI. Mistakes the user can fix print one `Error: ...` line
 * and exit 1.
 */
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { CliUsageError, displayPath, findAppExport, findAppFile, importAppModule } from './internal/cli-discovery';

const USAGE = `Usage: fastapi-ts <dev|run> [path] [options]

  dev   Run the app in development mode: 127.0.0.1, reload on change, tracebacks in 500 responses.
  run   Run the app in production mode: 0.0.0.0, no reload.

[path] is the module with the app (default: main.ts, app.ts, api.ts, app/main.ts, ... or .js);
the app is its export named by --app, else "app", else "api".

Options:
  --host <host>                 Host to bind (dev: 127.0.0.1, run: 0.0.0.0)
  --port <port>                 Port to bind (default 8000)
  --reload / --no-reload        Restart on file changes (dev: on, run: off)
  --workers <n>                 Worker processes (run only; not with --reload)
  --root-path <path>            The prefix a proxy serves the app under (ASGI root_path)
  --proxy-headers / --no-proxy-headers
                                Trust X-Forwarded-For/-Proto from --forwarded-allow-ips (default on)
  --forwarded-allow-ips <ips>   Comma-separated IPs/CIDRs to trust, or * (default 127.0.0.1)
  --app <name>                  The export to serve
  --log-level <level>           critical|error|warning|info|debug|trace (default info)
  -h, --help                    Show this help
`;

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  reload: { type: 'boolean' },
  'no-reload': { type: 'boolean' },
  workers: { type: 'string' },
  'root-path': { type: 'string' },
  'proxy-headers': { type: 'boolean' },
  'no-proxy-headers': { type: 'boolean' },
  'forwarded-allow-ips': { type: 'string' },
  app: { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Set in the environment of `dev`'s server processes so each turns on the app's debug mode. */
const DEV_ENV = 'FASTAPI_TS_DEV';

/** A parsed `dev` or `run` command line. */
interface Command {
  mode: 'dev' | 'run';
  path: string | undefined;
  host: string;
  port: number;
  reload: boolean;
  workers: number | undefined;
  rootPath: string | undefined;
  proxyHeaders: boolean;
  forwardedAllowIps: string | undefined;
  appName: string | undefined;
  logLevel: string | undefined;
}

function integer(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isInteger(parsed) || parsed < min) {
    throw new CliUsageError(`Invalid value for '--${name}': '${value}' is not a valid integer${min > 0 ? ` >= ${min}` : ''}.`);
  }
  return parsed;
}

function parseCommand(argv: string[]): Command | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliUsageError((error as Error).message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [mode, path, ...extra] = positionals;
  if (mode !== 'dev' && mode !== 'run') {
    throw new CliUsageError(mode === undefined ? 'Missing command: use "fastapi-ts dev" or "fastapi-ts run".' : `Unknown command "${mode}": use "dev" or "run".`);
  }
  if (extra.length > 0) throw new CliUsageError(`Unexpected extra argument "${extra[0]}".`);
  const reload = values['no-reload'] ? false : (values.reload ?? mode === 'dev');
  const workers = integer('workers', values.workers, 1);
  if (reload && workers !== undefined && workers > 1) {
    throw new CliUsageError('--reload and --workers cannot be used together: use "fastapi-ts run --workers N" without --reload.');
  }
  const port = integer('port', values.port, 0) ?? 8000;
  if (port > 65535) throw new CliUsageError(`Invalid value for '--port': '${values.port}' is not a valid port.`);
  return {
    mode,
    path,
    host: values.host ?? (mode === 'dev' ? '127.0.0.1' : '0.0.0.0'),
    port,
    reload,
    workers,
    rootPath: values['root-path'],
    proxyHeaders: values['no-proxy-headers'] ? false : (values['proxy-headers'] ?? true),
    forwardedAllowIps: values['forwarded-allow-ips'],
    appName: values.app,
    logLevel: values['log-level'],
  };
}

/** asgi-core's `serve` command line for the same settings. */
function serveArgs(command: Command, file: string, exportName: string): string[] {
  const args = ['serve', `${file}:${exportName}`, '--host', command.host, '--port', String(command.port)];
  if (command.reload) args.push('--reload', '--reload-dir', dirname(file));
  if (command.workers !== undefined) args.push('--workers', String(command.workers));
  if (command.rootPath !== undefined) args.push('--root-path', command.rootPath);
  if (command.proxyHeaders) args.push('--proxy-headers');
  if (command.forwardedAllowIps !== undefined) args.push('--forwarded-allow-ips', command.forwardedAllowIps);
  if (command.logLevel !== undefined) args.push('--log-level', command.logLevel);
  return args;
}

/**
 * asgi-core's CLI entry point. It is not exported by asgi-core's index, so it is
 * loaded from the package's files: its compiled `dist/cli.js`, or `src/cli.ts`
 * when this file itself runs from TypeScript sources (development of the monorepo).
 */
function asgiCoreMain(): (argv: string[]) => Promise<number> {
  const root = dirname(require.resolve('asgi-core/package.json'));
  const source = join(root, 'src', 'cli.ts');
  const file = __filename.endsWith('.ts') && existsSync(source) ? source : join(root, 'dist', 'cli.js');
  return (require(file) as { main(argv: string[]): Promise<number> }).main;
}

/** Fails fast when the port is taken: the reloader would otherwise keep a child that cannot bind. */
function checkPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new CliUsageError(`Port ${port} on ${host} is already in use: stop the other server or pass another --port.`));
      else if (error.code === 'EACCES') reject(new CliUsageError(`Permission denied to bind ${host}:${port}: pick a port above 1023 or run with the needed rights.`));
      else reject(new CliUsageError(`Cannot bind ${host}:${port}: ${error.message}`));
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** Turns on Starlette's debug mode (tracebacks in 500 responses) for `dev`, before the stack is built. */
function enableDebug(app: unknown): void {
  if (app !== null && typeof app === 'function' && typeof (app as { debug?: unknown }).debug === 'boolean') {
    (app as unknown as { debug: boolean }).debug = true;
  }
}

function banner(command: Command, file: string, exportName: string, app: unknown): string {
  const shownHost = command.host.includes(':') ? `[${command.host}]` : command.host;
  const url = `http://${shownHost}:${command.port}`;
  const docsUrl = (app as { docsUrl?: unknown }).docsUrl;
  const root = command.rootPath ?? '';
  const lines = [
    `fastapi-ts  Starting ${command.mode === 'dev' ? 'development' : 'production'} server`,
    `    module  ${displayPath(file)}`,
    `       app  Using import string: ${displayPath(file)}:${exportName}`,
    `    server  Server started at ${url}${root}`,
  ];
  if (typeof docsUrl === 'string' && docsUrl !== '') lines.push(`    server  Documentation at ${url}${root}${docsUrl}`);
  lines.push(
    command.mode === 'dev'
      ? '       tip  Running in development mode, for production use: fastapi-ts run'
      : '       tip  Running in production mode, for development use: fastapi-ts dev',
  );
  return lines.join('\n') + '\n\n';
}

/** A server process started by asgi-core's reloader: it receives asgi-core's own `serve` arguments. */
async function runReloadChild(argv: string[]): Promise<number> {
  const spec = argv[1] ?? '';
  const colon = spec.lastIndexOf(':');
  const module = await importAppModule(spec.slice(0, colon));
  if (process.env[DEV_ENV] === '1') enableDebug(module[spec.slice(colon + 1)]);
  return asgiCoreMain()(argv);
}

/** The CLI entry point: resolves with the process exit code. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  try {
    if (argv[0] === 'serve' && process.env.ASGI_CORE_CHILD === '1') return await runReloadChild(argv);
    const command = parseCommand(argv);
    if (command === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    const file = findAppFile(command.path);
    const module = await importAppModule(file);
    const exportName = findAppExport(module, file, command.appName);
    const app = module[exportName];
    if (command.mode === 'dev') {
      process.env[DEV_ENV] = '1';
      enableDebug(app);
    }
    const supervisor = cluster.isPrimary && process.env.ASGI_CORE_CHILD !== '1';
    if (supervisor) {
      await checkPortFree(command.host, command.port);
      process.stdout.write(banner(command, file, exportName, app));
    }
    return await asgiCoreMain()(serveArgs(command, file, exportName));
  } catch (error) {
    if (error instanceof CliUsageError) {
      process.stderr.write(`Error: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`Error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    () => process.exit(1),
  );
}
