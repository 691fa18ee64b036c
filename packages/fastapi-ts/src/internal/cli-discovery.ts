/**
 * How `fastapi-ts dev|run` finds the app (fastapi-cli's `discover`): the
 * file given, or the first of the conventional names; inside it the export
 * named with `--app`, else `app`, else `api`.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, extname, join, parse, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Files tried, in order, when no path is given (fastapi-cli tries main.py, app.py, api.py, then app/...). */
export const DEFAULT_FILES = ['main', 'app', 'api', 'app/main', 'app/app', 'app/api', 'src/main', 'src/app']
  .flatMap((name) => ['.ts', '.js'].map((extension) => name + extension));

/** Export names tried, in order, when `--app` is not given. */
export const DEFAULT_EXPORTS = ['app', 'api'];

const TYPESCRIPT = new Set(['.ts', '.cts', '.mts']);

/** A mistake the user can fix: printed as one `Error: ...` line, exit code 1. */
export class CliUsageError extends Error {
  readonly code = 'cli_usage_error';
}

/** `file` relative to the working directory when it is inside it, else absolute. */
export function displayPath(file: string): string {
  const shown = relative(process.cwd(), file);
  return shown === '' || shown.startsWith('..') ? file : shown;
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** The absolute path of the app module, or a {@link CliUsageError} naming what was looked for. */
export function findAppFile(path: string | undefined, cwd = process.cwd()): string {
  if (path !== undefined) {
    const absolute = resolve(cwd, path);
    if (isFile(absolute)) return absolute;
    throw new CliUsageError(`Path does not exist: ${path}`);
  }
  for (const candidate of DEFAULT_FILES) {
    const absolute = join(cwd, candidate);
    if (isFile(absolute)) return absolute;
  }
  throw new CliUsageError(`Could not find a default file to run, please provide an explicit path (tried ${DEFAULT_FILES.join(', ')}).`);
}

function registerTypeScript(file: string): void {
  if (require.extensions['.ts']) return; // already registered (node -r ts-node/register ...)
  let tsNode: { register(options: object): unknown };
  try {
    tsNode = require('ts-node') as typeof tsNode;
  } catch {
    throw new CliUsageError(`Running "${file}" needs ts-node: npm install --save-dev ts-node typescript (or compile it to JavaScript).`);
  }
  // Transpile-only: start-up speed matters more here than type errors, which `tsc --noEmit` reports.
  // Without a tsconfig.json, ts-node's defaults do not compile with TypeScript 6 and lack decorators.
  const compilerOptions = hasTsconfig(parse(file).dir) ? { rootDir: parse(file).root } : { ...STANDALONE_OPTIONS, rootDir: parse(file).root };
  tsNode.register({ transpileOnly: true, projectSearchDir: parse(file).dir, compilerOptions });
}

/** What a project without a tsconfig.json gets: CommonJS output and the decorators fastapi-ts uses. */
const STANDALONE_OPTIONS = {
  target: 'es2022',
  module: 'nodenext',
  moduleResolution: 'nodenext',
  esModuleInterop: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
};

function hasTsconfig(dir: string): boolean {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, 'tsconfig.json'))) return true;
    if (dirname(current) === current) return false;
  }
}

/** Imports the module (through ts-node for TypeScript); a failing import is a {@link CliUsageError} with its first line. */
export async function importAppModule(file: string): Promise<Record<string, unknown>> {
  const extension = extname(file);
  if (TYPESCRIPT.has(extension)) registerTypeScript(file);
  try {
    if (extension === '.mjs' || extension === '.mts') return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    return require(file) as Record<string, unknown>;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CliUsageError(`Could not import "${displayPath(file)}": ${message}`);
  }
}

/** The export name of the app: `--app`, else the first of `app`, `api` that the module exports. */
export function findAppExport(module: Record<string, unknown>, file: string, name: string | undefined): string {
  const shown = displayPath(file);
  if (name !== undefined) {
    if (!(name in module)) throw new CliUsageError(`Could not find app name ${name} in ${shown}`);
    if (typeof module[name] !== 'function') {
      throw new CliUsageError(`"${name}" in ${shown} is not an app: expected a FastAPI instance or an ASGI function, got ${typeof module[name]}.`);
    }
    return name;
  }
  for (const candidate of DEFAULT_EXPORTS) if (typeof module[candidate] === 'function') return candidate;
  throw new CliUsageError(`Could not find a FastAPI app in ${shown}: export it as "app" or "api", or pass --app <name>.`);
}
