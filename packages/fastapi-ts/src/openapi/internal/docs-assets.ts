/**
 * The Swagger UI and ReDoc files the docs pages load, served from the
 * installed `swagger-ui-dist` and `redoc` packages so that `/docs` and
 * `/redoc` work without internet. Each file is read once (asynchronously:
 * the bundles weigh megabytes), hashed for an ETag, and gzipped once on
 * first demand, off the event loop.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** One servable file. */
export interface DocsAsset {
  /** The file name under the assets path. */
  name: string;
  package: 'swagger-ui-dist' | 'redoc';
  /** The path inside the package. */
  file: string;
  mediaType: string;
}

/** Every file the docs pages need. */
export const DOCS_ASSETS: readonly DocsAsset[] = [
  { name: 'swagger-ui-bundle.js', package: 'swagger-ui-dist', file: 'swagger-ui-bundle.js', mediaType: 'text/javascript; charset=utf-8' },
  { name: 'swagger-ui.css', package: 'swagger-ui-dist', file: 'swagger-ui.css', mediaType: 'text/css; charset=utf-8' },
  { name: 'favicon-32x32.png', package: 'swagger-ui-dist', file: 'favicon-32x32.png', mediaType: 'image/png' },
  { name: 'redoc.standalone.js', package: 'redoc', file: 'bundles/redoc.standalone.js', mediaType: 'text/javascript; charset=utf-8' },
];

/** A loaded asset: its bytes, strong ETag and (lazily) its gzip form. */
export interface LoadedAsset {
  asset: DocsAsset;
  body: Buffer;
  etag: string;
  gzip(): Promise<Buffer>;
}

const packageRoots = new Map<string, string>();
const loading = new Map<string, Promise<LoadedAsset>>();

/** The directory an installed package lives in (resolved through its package.json, as Node would find it). */
export function packageRoot(name: DocsAsset['package']): string {
  let root = packageRoots.get(name);
  if (root === undefined) {
    root = dirname(require.resolve(`${name}/package.json`));
    packageRoots.set(name, root);
  }
  return root;
}

const versions = new Map<string, string>();

/** The installed version of a docs package (used to pin CDN URLs and to bust caches). */
export function packageVersion(name: DocsAsset['package']): string {
  let version = versions.get(name);
  if (version === undefined) {
    version = (JSON.parse(readFileSync(join(packageRoot(name), 'package.json'), 'utf8')) as { version: string }).version;
    versions.set(name, version);
  }
  return version;
}

/** The asset called `name`, read and hashed on first use (concurrent first requests share one read); undefined for an unknown name. */
export function loadAsset(name: string): Promise<LoadedAsset> | undefined {
  const asset = DOCS_ASSETS.find((a) => a.name === name);
  if (!asset) return undefined;
  let entry = loading.get(name);
  if (!entry) {
    entry = readFile(join(packageRoot(asset.package), asset.file)).then((body) => {
      let gzipped: Promise<Buffer> | undefined;
      return {
        asset,
        body,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
        gzip: () => (gzipped ??= gzipAsync(body)),
      };
    });
    // A failed read (a broken install) is retried on the next request rather than cached.
    entry.catch(() => loading.delete(name));
    loading.set(name, entry);
  }
  return entry;
}

/** RFC 9110 §13.1.2: does an `If-None-Match` value match this ETag (weak comparison)? */
export function etagMatches(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = (tag: string): string => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((candidate) => candidate.trim() === '*' || bare(candidate) === bare(etag));
}

/** RFC 9110 §12.5.3: does `Accept-Encoding` allow gzip (with a non-zero quality)? */
export function acceptsGzip(acceptEncoding: string | null | undefined): boolean {
  if (!acceptEncoding) return false;
  for (const part of acceptEncoding.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding.trim() !== 'gzip' && coding.trim() !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}
