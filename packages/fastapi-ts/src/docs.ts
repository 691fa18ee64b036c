/**
 * The docs part of FastAPI's `FastAPI.setup()`: `/openapi.json`, Swagger UI
 * at `/docs` (with its OAuth2 redirect page) and ReDoc at `/redoc`. Unlike
 * FastAPI, whose pages load Swagger UI and ReDoc from a CDN, the app serves
 * them itself from the installed `swagger-ui-dist` and `redoc` packages
 * (under `<docsUrl>/assets/`), so the docs work on a machine without
 * internet. `docsAssets: 'cdn'` (or explicit URLs) switches back to a CDN.
 * The page builders (`getSwaggerUiHtml`, ...) live in `openapi/docs-html.ts`.
 */
import { JSONResponse, Response, type Request } from 'starlette-ts';
import type { OpenAPIObject } from './openapi/models';
import type { GetOpenapiOptions } from './openapi/utils';
import { getAppOpenapi, type OpenapiHost } from './openapi/app';
import { acceptsGzip, etagMatches, loadAsset } from './openapi/internal/docs-assets';
import {
  cdnDocsAssetUrls,
  getRedocHtml,
  getSwaggerUiHtml,
  getSwaggerUiOauth2RedirectHtml,
  localDocsAssetUrls,
  type DocsAssetUrls,
} from './openapi/docs-html';

export {
  DEFAULT_DOCS_ASSETS_PATH,
  cdnDocsAssetUrls,
  getRedocHtml,
  getSwaggerUiHtml,
  getSwaggerUiOauth2RedirectHtml,
  localDocsAssetUrls,
  swaggerUiDefaultParameters,
} from './openapi/docs-html';
export type { DocsAssetUrls, RedocHtmlOptions, SwaggerUiHtmlOptions } from './openapi/docs-html';

/**
 * Serves one docs asset: `200` with the file (gzipped when the client accepts it),
 * `304` when `If-None-Match` matches its ETag, `404` for an unknown name.
 */
export async function docsAssetResponse(name: string, request: Pick<Request, 'headers'>): Promise<Response> {
  const loading = loadAsset(name);
  if (!loading) return new JSONResponse({ detail: 'Not Found' }, { status: 404 });
  const asset = await loading;
  const headers: Record<string, string> = {
    etag: asset.etag,
    'cache-control': 'public, max-age=86400',
    vary: 'accept-encoding',
  };
  if (etagMatches(request.headers.get('if-none-match'), asset.etag)) {
    return new Response(null, { status: 304, headers });
  }
  if (acceptsGzip(request.headers.get('accept-encoding'))) {
    headers['content-encoding'] = 'gzip';
    return new Response(await asset.gzip(), { headers, mediaType: asset.asset.mediaType });
  }
  return new Response(asset.body, { headers, mediaType: asset.asset.mediaType });
}

/** The app-side settings `setupDocs` reads (FastAPI's constructor arguments of the same names, camelCased). */
export interface DocsHost extends OpenapiHost {
  /** Default `/openapi.json`; `null` disables the schema and every docs page. */
  openapiUrl?: string | null;
  /** Default `/docs`; `null` disables Swagger UI. */
  docsUrl?: string | null;
  /** Default `/redoc`; `null` disables ReDoc. */
  redocUrl?: string | null;
  /** Default `/docs/oauth2-redirect`; `null` disables the page. */
  swaggerUiOauth2RedirectUrl?: string | null;
  swaggerUiInitOAuth?: Record<string, unknown> | null;
  swaggerUiParameters?: Record<string, unknown> | null;
  /** `'local'` (default): served by the app; `'cdn'`: jsDelivr; or explicit URLs (missing ones stay local). */
  docsAssets?: 'local' | 'cdn' | Partial<DocsAssetUrls>;
  /** Add the request's `root_path` to `servers` (default true, as FastAPI's `root_path_in_servers`). */
  rootPathInServers?: boolean;
  /** The app's own `openapi()` when it has one (so overriding it changes what is served). */
  openapi?(): OpenAPIObject;
  /** Starlette's `add_route`: registers a plain endpoint `(request) => Response`. */
  addRoute(
    path: string,
    endpoint: (request: Request) => Response | Promise<Response>,
    options: { methods?: string[]; name?: string; includeInSchema?: boolean },
  ): unknown;
}

/** One route `setupDocs` registers. */
export interface DocsRoute {
  path: string;
  name: string;
  endpoint: (request: Request) => Response | Promise<Response>;
}

const rootPathOf = (request: Request): string => {
  const root = (request.scope as { root_path?: string }).root_path ?? '';
  return root.replace(/\/+$/, '');
};

/** The routes serving the OpenAPI document and the docs pages for `app` (what `setupDocs` registers). */
export function docsRoutes(app: DocsHost): DocsRoute[] {
  const openapiUrl = app.openapiUrl === undefined ? '/openapi.json' : app.openapiUrl;
  if (!openapiUrl) return [];
  const docsUrl = app.docsUrl === undefined ? '/docs' : app.docsUrl;
  const redocUrl = app.redocUrl === undefined ? '/redoc' : app.redocUrl;
  const redirectUrl = app.swaggerUiOauth2RedirectUrl === undefined ? '/docs/oauth2-redirect' : app.swaggerUiOauth2RedirectUrl;
  const routes: DocsRoute[] = [];
  const schema = (): OpenAPIObject => (typeof app.openapi === 'function' ? app.openapi() : getAppOpenapi(app));

  routes.push({
    path: openapiUrl,
    name: 'openapi',
    endpoint: (request) => {
      const root = rootPathOf(request);
      let document = schema();
      if (root && app.rootPathInServers !== false) {
        const servers = document.servers ?? [];
        if (!servers.some((s) => s.url === root)) document = { ...document, servers: [{ url: root }, ...servers] };
      }
      return new JSONResponse(document);
    },
  });

  const assetsPath = `${(docsUrl ?? redocUrl ?? '').replace(/\/+$/, '')}/assets`;
  const mode = app.docsAssets ?? 'local';
  const assetUrls = (root: string): DocsAssetUrls => {
    if (mode === 'cdn') return cdnDocsAssetUrls();
    const local = localDocsAssetUrls(root + assetsPath);
    return mode === 'local' ? local : { ...local, ...mode };
  };
  const servesAssets = mode !== 'cdn' && (docsUrl || redocUrl);

  if (docsUrl) {
    routes.push({
      path: docsUrl,
      name: 'swagger_ui_html',
      endpoint: (request) => {
        const root = rootPathOf(request);
        const urls = assetUrls(root);
        return getSwaggerUiHtml({
          openapiUrl: root + openapiUrl,
          title: `${app.title} - Swagger UI`,
          swaggerJsUrl: urls.swaggerJsUrl,
          swaggerCssUrl: urls.swaggerCssUrl,
          swaggerFaviconUrl: urls.swaggerFaviconUrl,
          oauth2RedirectUrl: redirectUrl ? root + redirectUrl : null,
          initOAuth: app.swaggerUiInitOAuth,
          swaggerUiParameters: app.swaggerUiParameters,
        });
      },
    });
    if (redirectUrl) {
      routes.push({ path: redirectUrl, name: 'swagger_ui_redirect', endpoint: () => getSwaggerUiOauth2RedirectHtml() });
    }
  }
  if (redocUrl) {
    routes.push({
      path: redocUrl,
      name: 'redoc_html',
      endpoint: (request) => {
        const root = rootPathOf(request);
        const urls = assetUrls(root);
        return getRedocHtml({
          openapiUrl: root + openapiUrl,
          title: `${app.title} - ReDoc`,
          redocJsUrl: urls.redocJsUrl,
          redocFaviconUrl: urls.redocFaviconUrl,
          offline: mode !== 'cdn',
        });
      },
    });
  }
  if (servesAssets) {
    routes.push({
      path: `${assetsPath}/{file}`,
      name: 'docs_assets',
      endpoint: (request) => docsAssetResponse(String(request.pathParams.file ?? ''), request),
    });
  }
  return routes;
}

/**
 * Registers `/openapi.json`, `/docs`, `/docs/oauth2-redirect`, `/redoc` and the
 * docs assets on `app` (FastAPI's `setup()`); the FastAPI constructor calls it.
 */
export function setupDocs(app: DocsHost): void {
  for (const route of docsRoutes(app)) {
    app.addRoute(route.path, route.endpoint, { methods: ['GET', 'HEAD'], name: route.name, includeInSchema: false });
  }
}

export { getAppOpenapi };
export type { GetOpenapiOptions, OpenAPIObject, OpenapiHost };
