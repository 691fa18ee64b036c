/**
 * Loading `<file>:<export>` for the CLI (uvicorn's `importer.py`): `.js`,
 * `.cjs`, `.mjs`, and `.ts` through ts-node (an optional peer dependency).
 */
import { existsSync, statSync } from 'node:fs';
import { extname, parse, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppLoadError } from '../errors';
import type { ASGIApp } from '../types';

const TYPESCRIPT = new Set(['.ts', '.cts', '.mts']);
const TRY_EXTENSIONS = ['.js', '.ts', '.cjs', '.mjs'];

/** `<file>:<export>` split; throws {@link AppLoadError} when the colon is missing. */
export function parseAppSpec(spec: string): { file: string; exportPath: string[] } {
  const colon = spec.lastIndexOf(':');
  if (colon <= 0 || colon === spec.length - 1 || /^[A-Za-z]:[\\/]/.test(spec) && colon === 1) {
    throw new AppLoadError(`Import string "${spec}" must be in format "<file>:<export>", for example "app.js:app".`);
  }
  return { file: spec.slice(0, colon), exportPath: spec.slice(colon + 1).split('.') };
}

/** The absolute path of the app file (trying common extensions), or an {@link AppLoadError}. */
export function resolveAppFile(file: string, cwd = process.cwd()): string {
  const absolute = resolve(cwd, file);
  if (isFile(absolute)) return absolute;
  for (const extension of TRY_EXTENSIONS) if (isFile(absolute + extension)) return absolute + extension;
  throw new AppLoadError(`Could not find file "${file}" (looked for ${absolute}).`);
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

function registerTypeScript(file: string): void {
  if (require.extensions['.ts']) return; // already registered (node -r ts-node/register ...)
  let tsNode: { register(options: object): unknown };
  try {
    tsNode = require('ts-node');
  } catch {
    throw new AppLoadError(`Loading "${file}" needs ts-node: npm install --save-dev ts-node typescript`);
  }
  tsNode.register({
    transpileOnly: true,
    projectSearchDir: parse(file).dir,
    // Apps may live outside their tsconfig's directory; transpile-only output does not depend on rootDir.
    compilerOptions: { rootDir: parse(file).root },
  });
}

async function importModule(file: string): Promise<Record<string, unknown>> {
  const extension = extname(file);
  if (extension === '.mjs' || extension === '.mts') return import(pathToFileURL(file).href);
  try {
    return require(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_REQUIRE_ESM') return import(pathToFileURL(file).href);
    throw error;
  }
}

/**
 * Loads the app named by `spec` (`app.js:app`, `src/main.ts:server.app`).
 * With `factory`, the export is called (and awaited) to build the app.
 */
export async function loadApp(spec: string, options: { factory?: boolean; cwd?: string } = {}): Promise<ASGIApp> {
  const { file, exportPath } = parseAppSpec(spec);
  const path = resolveAppFile(file, options.cwd);
  if (TYPESCRIPT.has(extname(path))) registerTypeScript(path);
  let module: Record<string, unknown>;
  try {
    module = await importModule(path);
  } catch (error) {
    if (error instanceof AppLoadError) throw error;
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new AppLoadError(`Could not import "${file}": ${message}`, { cause: error });
  }
  let target: unknown = module;
  for (const name of exportPath) {
    if (target === null || target === undefined || !(name in Object(target))) {
      throw new AppLoadError(`Attribute "${exportPath.join('.')}" not found in module "${file}".`);
    }
    target = (target as Record<string, unknown>)[name];
  }
  if (options.factory) {
    if (typeof target !== 'function') {
      throw new AppLoadError(`"${spec}" is not a function, so it cannot be an app factory (got ${typeof target}).`);
    }
    target = await (target as () => unknown)();
  }
  if (typeof target !== 'function') {
    throw new AppLoadError(`"${spec}" is not an ASGI app: expected a function (scope, receive, send), got ${target === null ? 'null' : typeof target}.`);
  }
  return target as ASGIApp;
}
