/**
 * The HTML of the docs pages, as FastAPI's `fastapi/openapi/docs.py`:
 * Swagger UI, ReDoc and Swagger UI's OAuth2 redirect page, plus where their
 * scripts come from (the app itself by default, or a CDN).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HTMLResponse } from 'starlette-ts';
import { packageRoot, packageVersion } from './internal/docs-assets';

/** FastAPI's default Swagger UI configuration; `swaggerUiParameters` entries override it key by key. */
export const swaggerUiDefaultParameters: Readonly<Record<string, unknown>> = Object.freeze({
  dom_id: '#swagger-ui',
  layout: 'BaseLayout',
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
});

/** Where the docs pages load Swagger UI and ReDoc from. */
export interface DocsAssetUrls {
  swaggerJsUrl: string;
  swaggerCssUrl: string;
  swaggerFaviconUrl: string;
  redocJsUrl: string;
  redocFaviconUrl: string;
}

/** Options of `getSwaggerUiHtml` (FastAPI's `get_swagger_ui_html` arguments, camelCased). */
export interface SwaggerUiHtmlOptions {
  openapiUrl: string;
  title: string;
  swaggerJsUrl?: string;
  swaggerCssUrl?: string;
  swaggerFaviconUrl?: string;
  /** Path of the OAuth2 redirect page; the page prefixes it with `window.location.origin`. */
  oauth2RedirectUrl?: string | null;
  /** Passed to `ui.initOAuth(...)` (clientId, appName, usePkceWithAuthorizationCodeGrant, ...). */
  initOAuth?: Record<string, unknown> | null;
  /** Swagger UI configuration merged over {@link swaggerUiDefaultParameters}. */
  swaggerUiParameters?: Record<string, unknown> | null;
}

/** Options of `getRedocHtml`. */
export interface RedocHtmlOptions {
  openapiUrl: string;
  title: string;
  redocJsUrl?: string;
  redocFaviconUrl?: string;
  /**
   * `true` (default): a page that makes no request outside the app: no Google
   * Fonts (ReDoc falls back to system fonts) and the Redocly logo ReDoc's sidebar
   * fetches from cdn.redoc.ly is replaced by an inline image. `false`: FastAPI's
   * page, with Montserrat/Roboto from Google Fonts.
   */
  offline?: boolean;
}

/**
 * ReDoc's sidebar footer always renders `<img src="https://cdn.redoc.ly/redoc/logo-mini.svg">`
 * (no option turns it off). This shim, run before the bundle, swaps that one URL
 * for an inline SVG so an offline page makes no outside request.
 */
const REDOC_OFFLINE_SHIM = `<script>
(function () {
  var blank = 'data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 width=%221%22 height=%221%22/%3E';
  var local = function (value) { return String(value).indexOf('https://cdn.redoc.ly/') === 0 ? blank : value; };
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    return setAttribute.call(this, name, this.tagName === 'IMG' && String(name).toLowerCase() === 'src' ? local(value) : value);
  };
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, 'src');
  Object.defineProperty(HTMLImageElement.prototype, 'src', {
    configurable: true, enumerable: src.enumerable, get: src.get,
    set: function (value) { src.set.call(this, local(value)); }
  });
})();
</script>`;

/** The path the app serves the docs files under when `docsUrl` is `/docs`. */
export const DEFAULT_DOCS_ASSETS_PATH = '/docs/assets';

/** Asset URLs under a path served by this app (`setupDocs` serves them there). */
export function localDocsAssetUrls(assetsPath: string = DEFAULT_DOCS_ASSETS_PATH): DocsAssetUrls {
  const swagger = `?v=${packageVersion('swagger-ui-dist')}`;
  const redoc = `?v=${packageVersion('redoc')}`;
  return {
    swaggerJsUrl: `${assetsPath}/swagger-ui-bundle.js${swagger}`,
    swaggerCssUrl: `${assetsPath}/swagger-ui.css${swagger}`,
    swaggerFaviconUrl: `${assetsPath}/favicon-32x32.png${swagger}`,
    redocJsUrl: `${assetsPath}/redoc.standalone.js${redoc}`,
    redocFaviconUrl: `${assetsPath}/favicon-32x32.png${swagger}`,
  };
}

/** The jsDelivr URLs of the installed versions of `swagger-ui-dist` and `redoc` (what FastAPI's pages use). */
export function cdnDocsAssetUrls(): DocsAssetUrls {
  const swagger = `https://cdn.jsdelivr.net/npm/swagger-ui-dist@${packageVersion('swagger-ui-dist')}`;
  return {
    swaggerJsUrl: `${swagger}/swagger-ui-bundle.js`,
    swaggerCssUrl: `${swagger}/swagger-ui.css`,
    swaggerFaviconUrl: `${swagger}/favicon-32x32.png`,
    redocJsUrl: `https://cdn.jsdelivr.net/npm/redoc@${packageVersion('redoc')}/bundles/redoc.standalone.js`,
    redocFaviconUrl: `${swagger}/favicon-32x32.png`,
  };
}

/** Escapes text for HTML content and double-quoted attribute values. */
function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
}

/** JSON safe inside a `<script>` element: no `</script>`, `<!--` or line separators can end or break it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value ?? null)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * The Swagger UI page (FastAPI's `get_swagger_ui_html`). Asset URLs default to
 * the files `setupDocs` serves under `/docs/assets`.
 *
 * @example
 * app.get('/my-docs', { includeInSchema: false }, () =>
 *   getSwaggerUiHtml({ openapiUrl: '/openapi.json', title: 'My API - Swagger UI' }));
 */
export function getSwaggerUiHtml(options: SwaggerUiHtmlOptions): HTMLResponse {
  const local = localDocsAssetUrls();
  const parameters: Record<string, unknown> = { ...swaggerUiDefaultParameters, ...(options.swaggerUiParameters ?? {}) };
  const config = Object.entries(parameters)
    .map(([key, value]) => `      ${scriptJson(key)}: ${scriptJson(value)},`)
    .join('\n');
  const redirect = options.oauth2RedirectUrl
    ? `\n      oauth2RedirectUrl: window.location.origin + ${scriptJson(options.oauth2RedirectUrl)},`
    : '';
  const initOAuth = options.initOAuth ? `\n    ui.initOAuth(${scriptJson(options.initOAuth)});` : '';
  const html = `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link type="text/css" rel="stylesheet" href="${escapeHtml(options.swaggerCssUrl ?? local.swaggerCssUrl)}">
<link rel="shortcut icon" href="${escapeHtml(options.swaggerFaviconUrl ?? local.swaggerFaviconUrl)}">
<title>${escapeHtml(options.title)}</title>
</head>
<body>
<div id="swagger-ui">
</div>
<script src="${escapeHtml(options.swaggerJsUrl ?? local.swaggerJsUrl)}"></script>
<script>
    const ui = SwaggerUIBundle({
      url: ${scriptJson(options.openapiUrl)},
${config}${redirect}
      presets: [
        SwaggerUIBundle.presets.apis,
        SwaggerUIBundle.SwaggerUIStandalonePreset
      ],
    });${initOAuth}
</script>
</body>
</html>
`;
  return new HTMLResponse(html);
}

/**
 * The ReDoc page (FastAPI's `get_redoc_html`); offline by default (see
 * {@link RedocHtmlOptions.offline}).
 */
export function getRedocHtml(options: RedocHtmlOptions): HTMLResponse {
  const local = localDocsAssetUrls();
  const offline = options.offline ?? true;
  const fonts = offline
    ? ''
    : '\n<link href="https://fonts.googleapis.com/css?family=Montserrat:300,400,700|Roboto:300,400,700" rel="stylesheet">';
  const shim = offline ? `\n${REDOC_OFFLINE_SHIM}` : '';
  const html = `<!DOCTYPE html>
<html>
<head>
<title>${escapeHtml(options.title)}</title>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1">${fonts}
<link rel="shortcut icon" href="${escapeHtml(options.redocFaviconUrl ?? local.redocFaviconUrl)}">
<style>
  body {
    margin: 0;
    padding: 0;
  }
</style>
</head>
<body>
<noscript>
  ReDoc requires Javascript to function. Please enable it to browse the documentation.
</noscript>
<redoc spec-url="${escapeHtml(options.openapiUrl)}"></redoc>${shim}
<script src="${escapeHtml(options.redocJsUrl ?? local.redocJsUrl)}"> </script>
</body>
</html>
`;
  return new HTMLResponse(html);
}

let oauth2RedirectScript: string | undefined;

/**
 * The page Swagger UI's OAuth2 flows return to (FastAPI's
 * `get_swagger_ui_oauth2_redirect_html`), with swagger-ui-dist's own
 * `oauth2-redirect.js` inlined so it matches the installed Swagger UI.
 */
export function getSwaggerUiOauth2RedirectHtml(): HTMLResponse {
  oauth2RedirectScript ??= readFileSync(join(packageRoot('swagger-ui-dist'), 'oauth2-redirect.js'), 'utf8').replace(
    /<\/(script)/gi,
    '<\\/$1',
  );
  const html = `<!doctype html>
<html lang="en-US">
<head>
    <title>Swagger UI: OAuth2 Redirect</title>
</head>
<body>
<script>
${oauth2RedirectScript}
</script>
</body>
</html>
`;
  return new HTMLResponse(html);
}
