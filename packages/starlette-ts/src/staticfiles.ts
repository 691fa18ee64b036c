/**
 * StaticFiles, as Starlette's: serves files under one or more directories
 * with FileResponse (so ETag/304/Range work), GET and HEAD only. Path
 * traversal is impossible: the request path is normalised segment by
 * segment, hostile forms are refused up front (a miss, as when Starlette's
 * lookup leaves the directory), and the resolved real path must stay inside
 * the directory.
 */
import { readFileSync, statSync, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { HTTPScope, Receive, Scope, Send } from 'asgi-core';
import { ASGIObject } from './asgi';
import { HTTPException } from './exceptions';
import { FileResponse } from './file-response';
import { formatUrl, getRoutePath, scopeUrl } from './internal/asgi-helpers';
import { RedirectResponse, type Response } from './responses';

// Longest file name component (bytes) and path (bytes, with its NUL) Linux accepts: NAME_MAX, PATH_MAX.
const NAME_MAX = 255;
const PATH_MAX = 4096;

/** Options of {@link StaticFiles}. */
export interface StaticFilesOptions {
  /** The directory to serve. */
  directory?: string | null;
  /** Packages whose directory (default `statics`) is served too: `'pkg'` or `['pkg', 'public']`. */
  packages?: (string | [string, string])[] | null;
  /** HTML mode: `index.html` for directories, `404.html` for misses. Default false. */
  html?: boolean;
  /** Throw at construction when `directory` does not exist. Default true. */
  checkDir?: boolean;
  /** Serve symlinks whose target is outside the directory. Default false. */
  followSymlinks?: boolean;
}

type Lookup = { fullPath: string; stats: Stats } | null;

/**
 * An ASGI app serving static files; mount it under a prefix.
 *
 * @example
 * new Mount('/static', new StaticFiles({ directory: 'public' }), { name: 'static' })
 */
export class StaticFiles extends ASGIObject {
  /** The directory given, or null. */
  readonly directory: string | null;
  /** Every directory searched, in order. */
  readonly allDirectories: string[];
  /** HTML mode. */
  readonly html: boolean;
  /** Whether symlinks leaving the directory are followed. */
  readonly followSymlinks: boolean;
  private configChecked = false;
  private realDirectories: Promise<string[]> | null = null;

  constructor(options: StaticFilesOptions = {}) {
    super();
    this.directory = options.directory ?? null;
    this.allDirectories = StaticFiles.getDirectories(this.directory, options.packages ?? null);
    this.html = options.html ?? false;
    this.followSymlinks = options.followSymlinks ?? false;
    if ((options.checkDir ?? true) && this.directory !== null && !isDirectory(this.directory)) {
      throw new Error(`Directory '${this.directory}' does not exist`);
    }
  }

  /** The directories to serve: `directory`, then each package's statics directory. */
  static getDirectories(directory: string | null, packages: (string | [string, string])[] | null): string[] {
    const directories: string[] = [];
    if (directory !== null) directories.push(directory);
    for (const entry of packages ?? []) {
      const [name, staticsDir] = typeof entry === 'string' ? [entry, 'statics'] : entry;
      const packageDirectory = join(packageRoot(name), staticsDir);
      if (!isDirectory(packageDirectory)) throw new Error(`Directory '${staticsDir}' in package '${name}' could not be found.`);
      directories.push(packageDirectory);
    }
    return directories;
  }

  /** The ASGI entry point (http scopes only). */
  async call(scope: Scope, receive: Receive, send: Send): Promise<void> {
    if (scope.type !== 'http') throw new TypeError(`StaticFiles only handles http scopes, got '${scope.type}'`);
    if (!this.configChecked) {
      await this.checkConfig();
      this.configChecked = true;
    }
    const response = await this.getResponse(getRoutePath(scope), scope);
    await response(scope, receive, send);
  }

  /** The response for a route path: a FileResponse, a redirect, or an HTTPException (404/405/401) thrown. */
  async getResponse(routePath: string, scope: HTTPScope): Promise<Response> {
    if (scope.method !== 'GET' && scope.method !== 'HEAD') throw new HTTPException(405);
    // A refused path is a miss like any other (Starlette's lookup skips a path that
    // leaves the directory), so html mode answers it with 404.html too.
    const segments = normalisePath(routePath);
    if (segments !== null) {
      const response = await this.findResponse(segments, scope);
      if (response !== null) return response;
    }
    if (this.html) {
      const notFound = await this.lookupPath(['404.html']);
      if (notFound?.stats.isFile()) return new FileResponse(notFound.fullPath, { stat: notFound.stats, status: 404 });
    }
    throw new HTTPException(404);
  }

  /** The file at `segments`, or in html mode its directory's index.html (or a redirect to the `/` URL); null on a miss. */
  private async findResponse(segments: string[], scope: HTTPScope): Promise<Response | null> {
    const found = await this.lookupPath(segments);
    if (found?.stats.isFile()) return new FileResponse(found.fullPath, { stat: found.stats });
    if (!found?.stats.isDirectory() || !this.html) return null;
    const index = await this.lookupPath([...segments, 'index.html']);
    if (!index?.stats.isFile()) return null;
    if (!scope.path.endsWith('/')) {
      // Directory URLs end in '/', so relative links in index.html resolve inside it.
      const url = scopeUrl(scope);
      return new RedirectResponse(formatUrl({ ...url, path: `${url.path}/` }));
    }
    return new FileResponse(index.fullPath, { stat: index.stats });
  }

  /**
   * Finds `segments` in the first directory that has it, never outside that directory.
   * A name or path too long for the file system is Starlette's ENAMETOOLONG answer: the
   * plain 404 (thrown), before html mode's 404.html is considered.
   */
  async lookupPath(segments: string[]): Promise<Lookup> {
    const realDirectories = await this.getRealDirectories();
    for (let i = 0; i < this.allDirectories.length; i++) {
      const directory = this.followSymlinks ? resolve(this.allDirectories[i]!) : realDirectories[i]!;
      const joined = join(directory, ...segments);
      // Checked before realpath(3), so the answer does not hang on which error it reports first.
      if (exceedsNameLimits(joined, segments)) throw new HTTPException(404);
      let fullPath: string;
      try {
        fullPath = this.followSymlinks ? resolve(joined) : await realpath(joined);
      } catch (error) {
        if (isMissing(error)) continue;
        throw lookupError(error);
      }
      // The resolved path must be the directory itself or strictly below it.
      if (fullPath !== directory && !fullPath.startsWith(directory.endsWith(sep) ? directory : directory + sep)) continue;
      try {
        return { fullPath, stats: await stat(fullPath) };
      } catch (error) {
        if (isMissing(error)) continue;
        throw lookupError(error);
      }
    }
    return null;
  }

  private getRealDirectories(): Promise<string[]> {
    this.realDirectories ??= Promise.all(this.allDirectories.map((d) => realpath(d).catch(() => resolve(d))));
    return this.realDirectories;
  }

  /** A one-off check that the directory exists, so misconfiguration is loud rather than a stream of 404s. */
  private async checkConfig(): Promise<void> {
    if (this.directory === null) return;
    let stats: Stats;
    try {
      stats = await stat(this.directory);
    } catch {
      throw new Error(`StaticFiles directory '${this.directory}' does not exist.`);
    }
    if (!stats.isDirectory()) throw new Error(`StaticFiles path '${this.directory}' is not a directory.`);
  }
}

/** The directory of an installed package, resolved from the working directory (Python's find_spec). */
function packageRoot(name: string): string {
  const paths = [process.cwd()];
  try {
    return dirname(require.resolve(`${name}/package.json`, { paths }));
  } catch {
    // A package whose `exports` hides package.json: walk up from its entry point.
  }
  let entry: string;
  try {
    entry = require.resolve(name, { paths });
  } catch {
    throw new Error(`Package '${name}' could not be found.`);
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (manifest.name === name) return dir;
    } catch {
      // No readable package.json here: keep walking up.
    }
  }
  throw new Error(`Package '${name}' could not be found.`);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  // ENOTDIR: a path component is a file; ELOOP: a symlink cycle; EINVAL: not a valid name.
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' || code === 'EINVAL';
}

/** Starlette's answers to a failed lookup: 401 for a permission error, the plain 404 for a name too long. */
function lookupError(error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return new HTTPException(401);
  // A symlink target can still make the path too long.
  if (code === 'ENAMETOOLONG') return new HTTPException(404);
  return error;
}

/** A name or path the file system refuses: the ENAMETOOLONG Starlette's `os.stat` meets. */
function exceedsNameLimits(fullPath: string, segments: string[]): boolean {
  // PATH_MAX counts the terminating NUL.
  return Buffer.byteLength(fullPath) >= PATH_MAX || segments.some((segment) => Buffer.byteLength(segment) > NAME_MAX);
}

/**
 * Splits a route path into safe segments, or null when it cannot name a
 * file inside the directory: NUL or other control bytes, backslashes
 * (Windows separators), drive letters, `..` climbing above the root.
 * `.` and empty segments are dropped. Lengths are checked on the result.
 */
export function normalisePath(routePath: string): string[] | null {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(routePath)) return null;
  const segments: string[] = [];
  for (const segment of routePath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return null;
      segments.pop();
      continue;
    }
    if (/^[A-Za-z]:/.test(segment)) return null;
    segments.push(segment);
  }
  return segments;
}
