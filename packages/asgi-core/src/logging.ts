/**
 * Logging in uvicorn's format: `INFO:     message`, and one access line per
 * request: `INFO:     127.0.0.1:51234 - "GET /path?q=1 HTTP/1.1" 200 OK`.
 * The output goes through a sink, so tests and hosts can capture it.
 */
import { STATUS_CODES } from 'node:http';
import { inspect } from 'node:util';

/** Log levels, most severe first (uvicorn's names; `trace` is below `debug`). */
export type LogLevel = 'critical' | 'error' | 'warning' | 'info' | 'debug' | 'trace';

const SEVERITY: Record<LogLevel, number> = { critical: 50, error: 40, warning: 30, info: 20, debug: 10, trace: 5 };

/** Where formatted lines go. `channel` is `access` for access lines, `error` for the rest (uvicorn's two loggers). */
export type LogSink = (line: string, level: LogLevel, channel: 'error' | 'access') => void;

/** Options of {@link Logger}. */
export interface LoggerOptions {
  /** Lines below this level are dropped (default `info`). */
  level?: LogLevel;
  /** Whether to emit access lines (default true; the CLI's `--no-access-log` turns it off). */
  accessLog?: boolean;
  /** Receives each formatted line (default: access lines to stdout, the rest to stderr). */
  sink?: LogSink;
}

/** The default sink: access lines to stdout, everything else to stderr, as uvicorn's default config does. */
export const consoleSink: LogSink = (line, _level, channel) => {
  (channel === 'access' ? process.stdout : process.stderr).write(line + '\n');
};

/** True when `value` names a log level. */
export function isLogLevel(value: string): value is LogLevel {
  return Object.prototype.hasOwnProperty.call(SEVERITY, value);
}

/** uvicorn's `levelprefix`: the level name, a colon, padded so messages line up. */
function prefix(level: LogLevel): string {
  const name = level.toUpperCase();
  return name + ':' + ' '.repeat(Math.max(1, 9 - name.length));
}

/** `urllib.parse.quote(path)` with `/` kept: what uvicorn prints for the path in access lines. */
export function quotePath(path: string): string {
  return encodeURIComponent(path)
    .replace(/%2F/g, '/')
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/**
 * The server's logger: levels, uvicorn's line format, an access log switch.
 *
 * @example
 * const lines: string[] = [];
 * const logger = new Logger({ level: 'debug', sink: (line) => lines.push(line) });
 */
export class Logger {
  /** The minimum level that is written. */
  readonly level: LogLevel;
  /** Whether access lines are written. */
  readonly accessLog: boolean;
  private readonly threshold: number;
  private readonly sink: LogSink;

  constructor(options: LoggerOptions = {}) {
    this.level = options.level ?? 'info';
    this.accessLog = options.accessLog ?? true;
    this.threshold = SEVERITY[this.level];
    this.sink = options.sink ?? consoleSink;
  }

  /** True when a line of `level` would be written. */
  enabled(level: LogLevel): boolean {
    return SEVERITY[level] >= this.threshold;
  }

  /**
   * Writes `message` at `level`. A second argument, when given, is what was thrown:
   * its stack and the stacks of its `cause` chain follow on the next lines. Any value
   * counts, `undefined` and `null` included (`throw undefined` must not log as nothing).
   */
  log(level: LogLevel, message: string, ...thrown: [error?: unknown]): void {
    if (SEVERITY[level] < this.threshold) return;
    let line = prefix(level) + message;
    if (thrown.length > 0) line += '\n' + formatThrown(thrown[0]);
    this.sink(line, level, 'error');
  }

  /** Logs at `critical`, with what was thrown if given. */
  critical(message: string, ...thrown: [error?: unknown]): void {
    this.log('critical', message, ...thrown);
  }

  /** Logs at `error`, with what was thrown if given. */
  error(message: string, ...thrown: [error?: unknown]): void {
    this.log('error', message, ...thrown);
  }

  /** Logs at `warning`, with what was thrown if given. */
  warning(message: string, ...thrown: [error?: unknown]): void {
    this.log('warning', message, ...thrown);
  }

  /** Logs at `info`. */
  info(message: string): void {
    this.log('info', message);
  }

  /** Logs at `debug`. */
  debug(message: string): void {
    this.log('debug', message);
  }

  /** Logs at `trace`. */
  trace(message: string): void {
    this.log('trace', message);
  }

  /**
   * Writes one access line (at `info`) in uvicorn's format:
   * `127.0.0.1:51234 - "GET /path?q HTTP/1.1" 200 OK`.
   */
  access(client: string, method: string, fullPath: string, httpVersion: string, status: number): void {
    if (!this.accessLog || SEVERITY.info < this.threshold) return;
    const phrase = STATUS_CODES[status] ?? '';
    this.sink(`${prefix('info')}${client} - "${method} ${fullPath} HTTP/${httpVersion}" ${status} ${phrase}`.trimEnd(), 'info', 'access');
  }
}

/**
 * A thrown value as a traceback: the error's stack, then each error of its `cause`
 * chain under "Caused by:" (outermost first, as node prints errors; Python's
 * "The above exception was the direct cause of the following exception" in reverse).
 */
function formatThrown(thrown: unknown): string {
  const parts = [formatOne(thrown)];
  const seen = new Set<unknown>([thrown]);
  for (let error = thrown; hasCause(error) && !seen.has(error.cause); error = error.cause) {
    seen.add(error.cause);
    parts.push('Caused by: ' + formatOne(error.cause));
  }
  return parts.join('\n');
}

function hasCause(value: unknown): value is Error & { cause: unknown } {
  return value instanceof Error && 'cause' in value;
}

function formatOne(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.stack ?? `${thrown.name}: ${thrown.message}`;
  // Not an Error: there is no stack, but the value itself still tells what happened.
  return `Thrown value (not an Error, so no stack): ${inspect(thrown, { depth: 2, breakLength: Infinity })}`;
}
