#!/usr/bin/env node
/**
 * The `asgi-core` command (uvicorn's `main.py`):
 * `asgi-core serve <file>:<export> [--host 127.0.0.1] [--port 8000] ...`.
 * Errors a user can fix (missing file or export, port in use) print one
 * readable line and exit 1; a failed lifespan startup exits 3.
 */
import cluster from 'node:cluster';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { LifespanMode, ServerOptions } from './config';
import { ASGICoreError, BindError, ConfigError, LifespanStartupError } from './errors';
import { loadApp, parseAppSpec, resolveAppFile } from './internal/app-loader';
import { runReloader } from './internal/reloader';
import { runWorkers, STARTUP_FAILURE } from './internal/workers';
import { isLogLevel, Logger, type LogLevel } from './logging';
import { Server } from './server';

const USAGE = `Usage: asgi-core serve <file>:<export> [options]

Run an ASGI app (a function (scope, receive, send) exported by <file>).

Options:
  --host <host>                      Bind socket to this host (default 127.0.0.1)
  --port <port>                      Bind socket to this port (default 8000; 0 = any free port)
  --uds <path>                       Bind to a unix domain socket
  --workers <n>                      Number of worker processes (node:cluster)
  --reload                           Restart the server when source files change
  --reload-dir <dir>                 Directory to watch (repeatable; default: the app's directory)
  --root-path <path>                 ASGI root_path for apps mounted below a prefix
  --proxy-headers                    Trust X-Forwarded-Proto / X-Forwarded-For from --forwarded-allow-ips
  --forwarded-allow-ips <ips>        Comma-separated IPs/CIDRs to trust, or * (default 127.0.0.1)
  --lifespan <auto|on|off>           Lifespan protocol mode (default auto)
  --log-level <level>                critical|error|warning|info|debug|trace (default info)
  --no-access-log                    Disable the access log
  --timeout-keep-alive <seconds>     Close idle keep-alive connections after this (default 5)
  --timeout-graceful-shutdown <s>    Max seconds to wait for in-flight requests on shutdown
  --min-request-body-rate <bytes/s>  Answer 408 to request bodies slower than this (default 240; 0 = off)
  --min-request-body-rate-grace-period <s>
                                     Seconds before the body rate is enforced (default 5)
  --ws-per-message-deflate           Negotiate WebSocket permessage-deflate (default off)
  --limit-concurrency <n>            Answer 503 beyond this many concurrent connections/requests
  --limit-max-requests <n>           Stop (and let the supervisor replace) after this many requests
  --app-factory                      Treat <export> as a factory returning the app
  -h, --help                         Show this help
`;

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  uds: { type: 'string' },
  workers: { type: 'string' },
  reload: { type: 'boolean' },
  'reload-dir': { type: 'string', multiple: true },
  'root-path': { type: 'string' },
  'proxy-headers': { type: 'boolean' },
  'forwarded-allow-ips': { type: 'string' },
  lifespan: { type: 'string' },
  'log-level': { type: 'string' },
  'no-access-log': { type: 'boolean' },
  'timeout-keep-alive': { type: 'string' },
  'timeout-graceful-shutdown': { type: 'string' },
  'min-request-body-rate': { type: 'string' },
  'min-request-body-rate-grace-period': { type: 'string' },
  'ws-per-message-deflate': { type: 'boolean' },
  'limit-concurrency': { type: 'string' },
  'limit-max-requests': { type: 'string' },
  'app-factory': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parsed command line. */
interface Command {
  spec: string;
  workers: number;
  reload: boolean;
  reloadDirs: string[];
  factory: boolean;
  logLevel: LogLevel;
  options: ServerOptions;
}

function number(name: string, value: string | undefined, integer = true): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0 || (integer && !Number.isInteger(parsed))) {
    throw new ConfigError(`Invalid value for '--${name}': '${value}' is not a valid ${integer ? 'integer' : 'number'}.`);
  }
  return parsed;
}

function parseCommand(argv: string[]): Command | 'help' {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  if (values.help) return 'help';
  const args = positionals[0] === 'serve' ? positionals.slice(1) : positionals;
  if (args.length !== 1) throw new ConfigError(`Expected exactly one app as <file>:<export>, got ${args.length}. See --help.`);
  const lifespan = values.lifespan ?? 'auto';
  if (lifespan !== 'auto' && lifespan !== 'on' && lifespan !== 'off') {
    throw new ConfigError(`Invalid value for '--lifespan': '${lifespan}' is not one of 'auto', 'on', 'off'.`);
  }
  const logLevel = values['log-level'] ?? 'info';
  if (!isLogLevel(logLevel)) throw new ConfigError(`Invalid value for '--log-level': '${logLevel}'.`);
  return {
    spec: args[0],
    workers: number('workers', values.workers) ?? 1,
    reload: values.reload ?? false,
    reloadDirs: values['reload-dir'] ?? [],
    factory: values['app-factory'] ?? false,
    logLevel,
    options: {
      host: values.host,
      port: number('port', values.port),
      uds: values.uds,
      rootPath: values['root-path'],
      proxyHeaders: values['proxy-headers'] ?? false,
      forwardedAllowIps: values['forwarded-allow-ips'],
      lifespan: lifespan as LifespanMode,
      accessLog: !values['no-access-log'],
      timeoutKeepAlive: number('timeout-keep-alive', values['timeout-keep-alive'], false),
      timeoutGracefulShutdown: number('timeout-graceful-shutdown', values['timeout-graceful-shutdown'], false),
      minRequestBodyRate: number('min-request-body-rate', values['min-request-body-rate'], false),
      minRequestBodyRateGracePeriod: number('min-request-body-rate-grace-period', values['min-request-body-rate-grace-period'], false),
      wsPerMessageDeflate: values['ws-per-message-deflate'] ?? false,
      limitConcurrency: number('limit-concurrency', values['limit-concurrency']),
      limitMaxRequests: number('limit-max-requests', values['limit-max-requests']),
      handleSignals: true,
    },
  };
}

/** Runs one server in this process until it shuts down; returns the exit code. */
async function runServer(command: Command, logger: Logger): Promise<number> {
  const app = await loadApp(command.spec, { factory: command.factory });
  const server = new Server(app, { ...command.options, logger });
  await server.start();
  await server.closed;
  return 0;
}

function childArgs(argv: string[]): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--reload') continue;
    if (argv[i] === '--reload-dir') {
      i++;
      continue;
    }
    if (argv[i].startsWith('--reload-dir=')) continue;
    args.push(argv[i]);
  }
  return args;
}

/** The CLI entry point: resolves with the process exit code. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  let command: Command | 'help';
  try {
    command = parseCommand(argv);
  } catch (error) {
    process.stderr.write(`Error: ${(error as Error).message}\n${USAGE.split('\n')[0]}\n`);
    return 2;
  }
  if (command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const logger = new Logger({ level: command.logLevel, accessLog: command.options.accessLog });
  try {
    const isSupervisor = cluster.isPrimary && process.env.ASGI_CORE_CHILD !== '1';
    if (isSupervisor && (command.reload || command.workers > 1)) {
      const file = resolveAppFile(parseAppSpec(command.spec).file); // fail fast, before any process is started
      if (command.reload) {
        if (command.workers > 1) logger.warning('--reload and --workers are mutually exclusive: running one worker.');
        process.env.ASGI_CORE_CHILD = '1';
        const dirs = command.reloadDirs.length > 0 ? command.reloadDirs : [dirname(file)];
        return await runReloader({ dirs, args: childArgs(argv), logger });
      }
      return await runWorkers(command.workers, logger);
    }
    return await runServer(command, logger);
  } catch (error) {
    if (error instanceof LifespanStartupError) return STARTUP_FAILURE;
    if (error instanceof BindError) return 1; // already logged by the server
    if (error instanceof ASGICoreError) {
      logger.error(error.message);
      return 1;
    }
    logger.error('Unexpected error', error);
    return 1;
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    () => process.exit(1),
  );
}
