/**
 * The docs pages and their assets: HTML builders, `setupDocs` routes on a
 * Starlette app (driven as a raw ASGI app), asset caching, `rootPath`, CDN
 * mode, and `getAppOpenapi` caching.
 */
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { HTTPScope, SendMessage } from 'asgi-core';
import { Starlette } from 'starlette-ts';
import { z } from 'zod';
import {
  docsRoutes,
  getAppOpenapi,
  getRedocHtml,
  getSwaggerUiHtml,
  getSwaggerUiOauth2RedirectHtml,
  setupDocs,
  swaggerUiDefaultParameters,
  type DocsHost,
} from '../src/docs';
import type { Dependant } from '../src/dependencies/models';
import { getOpenapi } from '../src/openapi/utils';

const swaggerDir = dirname(require.resolve('swagger-ui-dist/package.json'));
const redocDir = dirname(require.resolve('redoc/package.json'));
const swaggerVersion = (JSON.parse(readFileSync(join(swaggerDir, 'package.json'), 'utf8')) as { version: string }).version;
const redocVersion = (JSON.parse(readFileSync(join(redocDir, 'package.json'), 'utf8')) as { version: string }).version;

interface Result {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  text: string;
}

/** Sends one request through an ASGI app and collects the response. */
async function call(
  app: (scope: HTTPScope, receive: () => Promise<never>, send: (m: SendMessage) => Promise<void>) => Promise<void>,
  path: string,
  options: { method?: string; headers?: Array<[string, string]>; rootPath?: string } = {},
): Promise<Result> {
  const scope: HTTPScope = {
    type: 'http',
    asgi: { version: '3.0', spec_version: '2.4' },
    http_version: '1.1',
    method: options.method ?? 'GET',
    scheme: 'http',
    path,
    raw_path: path,
    query_string: '',
    root_path: options.rootPath ?? '',
    headers: [['host', 'testserver'], ...(options.headers ?? [])],
    client: ['127.0.0.1', 50000],
    server: ['testserver', 80],
  };
  let status = 0;
  const headers: Record<string, string> = {};
  const chunks: Uint8Array[] = [];
  let requested = false;
  const receive = async (): Promise<never> => {
    if (!requested) {
      requested = true;
      return { type: 'http.request', body: new Uint8Array(0), more_body: false } as never;
    }
    return new Promise<never>(() => undefined);
  };
  await app(scope, receive, async (message) => {
    if (message.type === 'http.response.start') {
      status = message.status;
      for (const [name, value] of message.headers ?? []) headers[name] = value;
    } else if (message.type === 'http.response.body') {
      chunks.push(message.body ?? new Uint8Array(0));
    }
  });
  const body = Buffer.concat(chunks);
  return { status, headers, body, text: body.toString('utf8') };
}

function dependant(name: string): Dependant {
  return {
    name,
    call: () => undefined,
    pathParams: [],
    queryParams: [{ location: 'query', name: 'q', alias: 'q', schema: z.string().optional(), required: false, includeInSchema: true }],
    headerParams: [],
    cookieParams: [],
    bodyParams: [],
    dependencies: [],
    securityRequirements: [],
    useCache: true,
    scope: 'request',
  };
}

const apiRoute = { path: '/items/', methods: new Set(['GET']), name: 'read_items', dependant: dependant('read_items') };

/** A Starlette app dressed as a FastAPI host. */
function makeHost(settings: Partial<DocsHost> = {}): DocsHost & { asgi: Starlette } {
  const asgi = new Starlette();
  const host: DocsHost & { asgi: Starlette } = {
    title: 'Docs Test',
    version: '1.2.3',
    get routes() {
      return [apiRoute, ...asgi.routes];
    },
    addRoute: (path, endpoint, options) => asgi.addRoute(path, endpoint, options),
    asgi,
    ...settings,
  };
  setupDocs(host);
  return host;
}

const run = (host: { asgi: Starlette }) => host.asgi as unknown as Parameters<typeof call>[0];

describe('HTML builders', () => {
  test('getSwaggerUiHtml: assets, spec URL, FastAPI default parameters and presets', async () => {
    const response = getSwaggerUiHtml({
      openapiUrl: '/openapi.json',
      title: 'API - Swagger UI',
      swaggerJsUrl: '/a/bundle.js',
      swaggerCssUrl: '/a/ui.css',
      swaggerFaviconUrl: '/a/fav.png',
    });
    expect(response.statusCode).toBe(200);
    expect(response.mediaType).toBe('text/html');
    const html = Buffer.from(response.body).toString('utf8');
    expect(html).toContain('<link type="text/css" rel="stylesheet" href="/a/ui.css">');
    expect(html).toContain('<link rel="shortcut icon" href="/a/fav.png">');
    expect(html).toContain('<title>API - Swagger UI</title>');
    expect(html).toContain('<script src="/a/bundle.js"></script>');
    expect(html).toContain('url: "/openapi.json",');
    for (const [key, value] of Object.entries(swaggerUiDefaultParameters)) {
      expect(html).toContain(`${JSON.stringify(key)}: ${JSON.stringify(value)},`);
    }
    expect(html).toContain('SwaggerUIBundle.presets.apis,');
    expect(html).toContain('SwaggerUIBundle.SwaggerUIStandalonePreset');
    expect(html).not.toContain('oauth2RedirectUrl');
    expect(html).not.toContain('initOAuth');
  });

  test('getSwaggerUiHtml: parameters override defaults key by key; oauth2 redirect and initOAuth', () => {
    const html = Buffer.from(
      getSwaggerUiHtml({
        openapiUrl: '/openapi.json',
        title: 't',
        oauth2RedirectUrl: '/docs/oauth2-redirect',
        initOAuth: { clientId: 'my-client', usePkceWithAuthorizationCodeGrant: true },
        swaggerUiParameters: { deepLinking: false, syntaxHighlight: { theme: 'obsidian' } },
      }).body,
    ).toString('utf8');
    expect(html).toContain('"deepLinking": false,');
    expect(html).not.toContain('"deepLinking": true');
    expect(html).toContain('"syntaxHighlight": {"theme":"obsidian"},');
    expect(html).toContain('"layout": "BaseLayout",');
    expect(html).toContain('oauth2RedirectUrl: window.location.origin + "/docs/oauth2-redirect",');
    expect(html).toContain('ui.initOAuth({"clientId":"my-client","usePkceWithAuthorizationCodeGrant":true});');
  });

  test('hostile titles, URLs and parameters cannot break out of the HTML or the script', () => {
    const html = Buffer.from(
      getSwaggerUiHtml({
        openapiUrl: '/x"></script><script>alert(1)</script>',
        title: '</title><script>alert(2)</script>',
        swaggerJsUrl: '/"><script>alert(3)</script>',
        swaggerUiParameters: { '</script><script>alert(4)</script>': '</script>\u2028' },
      }).body,
    ).toString('utf8');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('<title>&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;</title>');
    expect(html).toContain('url: "/x\\"\\u003e\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",');
    expect(html).toContain('"\\u003c/script\\u003e\\u2028"');
    const redoc = Buffer.from(getRedocHtml({ openapiUrl: '"><script>alert(5)</script>', title: '<b>' }).body).toString('utf8');
    expect(redoc).not.toContain('<script>alert');
    expect(redoc).toContain('<redoc spec-url="&quot;&gt;&lt;script&gt;alert(5)&lt;/script&gt;"></redoc>');
    expect(redoc).toContain('<title>&lt;b&gt;</title>');
  });

  test('getRedocHtml: spec URL, script, favicon; offline by default (no Google Fonts, no Redocly logo fetch)', () => {
    const html = Buffer.from(getRedocHtml({ openapiUrl: '/openapi.json', title: 'API - ReDoc', redocJsUrl: '/r.js', redocFaviconUrl: '/f.png' }).body).toString('utf8');
    expect(html).toContain('<redoc spec-url="/openapi.json"></redoc>');
    expect(html).toContain('<script src="/r.js"> </script>');
    expect(html).toContain('<link rel="shortcut icon" href="/f.png">');
    expect(html).not.toContain('googleapis');
    expect(html).toContain("String(value).indexOf('https://cdn.redoc.ly/') === 0 ? blank : value");
    expect(html.indexOf('Element.prototype.setAttribute')).toBeLessThan(html.indexOf('<script src="/r.js">'));
    const online = Buffer.from(getRedocHtml({ openapiUrl: '/o', title: 't', offline: false }).body).toString('utf8');
    expect(online).toContain('https://fonts.googleapis.com/css?family=Montserrat:300,400,700|Roboto:300,400,700');
    expect(online).not.toContain('cdn.redoc.ly');
  });

  test('the OAuth2 redirect page inlines swagger-ui-dist\'s own script and loads nothing', () => {
    const html = Buffer.from(getSwaggerUiOauth2RedirectHtml().body).toString('utf8');
    const script = readFileSync(join(swaggerDir, 'oauth2-redirect.js'), 'utf8');
    expect(html).toContain(script.trim());
    expect(html).toContain('window.opener.swaggerUIRedirectOauth2');
    expect(html).not.toMatch(/src=/);
  });
});

describe('setupDocs', () => {
  test('registers openapi, docs, oauth2 redirect, redoc and the assets route, all hidden from the schema', () => {
    const paths = docsRoutes({ title: 't', version: '1', routes: [], addRoute: () => undefined }).map((r) => [r.path, r.name]);
    expect(paths).toEqual([
      ['/openapi.json', 'openapi'],
      ['/docs', 'swagger_ui_html'],
      ['/docs/oauth2-redirect', 'swagger_ui_redirect'],
      ['/redoc', 'redoc_html'],
      ['/docs/assets/{file}', 'docs_assets'],
    ]);
    const registered: unknown[] = [];
    setupDocs({ title: 't', version: '1', routes: [], addRoute: (path, _e, options) => registered.push([path, options]) });
    expect(registered[0]).toEqual(['/openapi.json', { methods: ['GET', 'HEAD'], name: 'openapi', includeInSchema: false }]);
  });

  test('/openapi.json serves the generated document; the docs routes are not in it', async () => {
    const host = makeHost();
    const response = await call(run(host), '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    const expected = getOpenapi({ title: 'Docs Test', version: '1.2.3', routes: [apiRoute] });
    expect(JSON.parse(response.text)).toEqual(expected);
    expect(Object.keys(expected.paths!)).toEqual(['/items/']);
  });

  test('/docs is Swagger UI wired to the local assets and the spec', async () => {
    const response = await call(run(makeHost()), '/docs');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.text).toContain('<title>Docs Test - Swagger UI</title>');
    expect(response.text).toContain(`<script src="/docs/assets/swagger-ui-bundle.js?v=${swaggerVersion}"></script>`);
    expect(response.text).toContain(`href="/docs/assets/swagger-ui.css?v=${swaggerVersion}"`);
    expect(response.text).toContain(`href="/docs/assets/favicon-32x32.png?v=${swaggerVersion}"`);
    expect(response.text).toContain('url: "/openapi.json",');
    expect(response.text).toContain('oauth2RedirectUrl: window.location.origin + "/docs/oauth2-redirect",');
    expect(response.text).not.toMatch(/https?:\/\//);
  });

  test('/redoc is ReDoc wired to the local bundle', async () => {
    const response = await call(run(makeHost()), '/redoc');
    expect(response.status).toBe(200);
    expect(response.text).toContain('<title>Docs Test - ReDoc</title>');
    expect(response.text).toContain(`<script src="/docs/assets/redoc.standalone.js?v=${redocVersion}"> </script>`);
    expect(response.text).toContain('<redoc spec-url="/openapi.json"></redoc>');
    expect(response.text).not.toContain('googleapis');
    expect(response.text).toContain("String(value).indexOf('https://cdn.redoc.ly/') === 0 ? blank : value");
  });

  test('/docs/oauth2-redirect serves the redirect page', async () => {
    const response = await call(run(makeHost()), '/docs/oauth2-redirect');
    expect(response.status).toBe(200);
    expect(response.text).toContain('swaggerUIRedirectOauth2');
  });

  test('the assets are the installed packages\' files with an ETag, cache headers and the right types', async () => {
    const app = run(makeHost());
    const cases: Array<[string, string, string]> = [
      ['swagger-ui-bundle.js', join(swaggerDir, 'swagger-ui-bundle.js'), 'text/javascript; charset=utf-8'],
      ['swagger-ui.css', join(swaggerDir, 'swagger-ui.css'), 'text/css; charset=utf-8'],
      ['favicon-32x32.png', join(swaggerDir, 'favicon-32x32.png'), 'image/png'],
      ['redoc.standalone.js', join(redocDir, 'bundles/redoc.standalone.js'), 'text/javascript; charset=utf-8'],
    ];
    for (const [name, file, type] of cases) {
      const response = await call(app, `/docs/assets/${name}`);
      const bytes = readFileSync(file);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe(type);
      expect(response.headers['content-length']).toBe(String(bytes.byteLength));
      expect(response.headers['cache-control']).toBe('public, max-age=86400');
      expect(response.headers.vary).toBe('accept-encoding');
      expect(response.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(response.body.equals(bytes)).toBe(true);
    }
  });

  test('a matching If-None-Match gets 304 with no body; a stale one gets the file', async () => {
    const app = run(makeHost());
    const first = await call(app, '/docs/assets/swagger-ui.css');
    const etag = first.headers.etag;
    const cached = await call(app, '/docs/assets/swagger-ui.css', { headers: [['if-none-match', `"stale", W/${etag}`]] });
    expect(cached.status).toBe(304);
    expect(cached.body.byteLength).toBe(0);
    expect(cached.headers.etag).toBe(etag);
    expect(cached.headers['cache-control']).toBe('public, max-age=86400');
    expect(cached.headers['content-length']).toBeUndefined();
    const stale = await call(app, '/docs/assets/swagger-ui.css', { headers: [['if-none-match', '"stale"']] });
    expect(stale.status).toBe(200);
    expect(stale.body.byteLength).toBe(first.body.byteLength);
  });

  test('clients that accept gzip get the file gzipped; q=0 refuses it', async () => {
    const app = run(makeHost());
    const bytes = readFileSync(join(swaggerDir, 'swagger-ui-bundle.js'));
    const gz = await call(app, '/docs/assets/swagger-ui-bundle.js', { headers: [['accept-encoding', 'br, gzip;q=0.8']] });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(Number(gz.headers['content-length'])).toBe(gz.body.byteLength);
    expect(gz.body.byteLength).toBeLessThan(bytes.byteLength / 2);
    expect(gunzipSync(gz.body).equals(bytes)).toBe(true);
    const refused = await call(app, '/docs/assets/swagger-ui-bundle.js', { headers: [['accept-encoding', 'gzip;q=0']] });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.equals(bytes)).toBe(true);
  });

  test('HEAD gets the headers without the body', async () => {
    const response = await call(run(makeHost()), '/docs/assets/favicon-32x32.png', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers['content-length']).toBe(String(readFileSync(join(swaggerDir, 'favicon-32x32.png')).byteLength));
    expect(response.body.byteLength).toBe(0);
  });

  test('unknown assets and path tricks are 404, never a file outside the list', async () => {
    const app = run(makeHost());
    for (const name of ['index.html', 'package.json', '..%2F..%2Fpackage.json', '..', 'swagger-ui-bundle.js.map', '%00']) {
      const response = await call(app, `/docs/assets/${name}`);
      expect([response.status, response.text]).toEqual([404, '{"detail":"Not Found"}']);
    }
    expect((await call(app, '/docs/assets/../../etc/passwd')).status).toBe(404);
  });

  test('behind a proxy (root_path) every URL of the pages and the servers list carry the prefix', async () => {
    const app = run(makeHost());
    const docs = await call(app, '/docs', { rootPath: '/api/v1/' });
    expect(docs.text).toContain(`<script src="/api/v1/docs/assets/swagger-ui-bundle.js?v=${swaggerVersion}"></script>`);
    expect(docs.text).toContain('url: "/api/v1/openapi.json",');
    expect(docs.text).toContain('oauth2RedirectUrl: window.location.origin + "/api/v1/docs/oauth2-redirect",');
    const redoc = await call(app, '/redoc', { rootPath: '/api/v1' });
    expect(redoc.text).toContain('<redoc spec-url="/api/v1/openapi.json"></redoc>');
    expect(redoc.text).toContain(`src="/api/v1/docs/assets/redoc.standalone.js?v=${redocVersion}"`);
    const spec = await call(app, '/openapi.json', { rootPath: '/api/v1' });
    expect(JSON.parse(spec.text).servers).toEqual([{ url: '/api/v1' }]);
    // the cached document itself is not changed by one request's root_path
    expect((JSON.parse((await call(app, '/openapi.json')).text) as { servers?: unknown }).servers).toBeUndefined();
  });

  test('a root_path already listed in servers is not added twice; rootPathInServers: false adds none', async () => {
    const listed = run(makeHost({ servers: [{ url: '/api' }, { url: 'https://stag.example.com' }] }));
    expect(JSON.parse((await call(listed, '/openapi.json', { rootPath: '/api' })).text).servers).toEqual([
      { url: '/api' },
      { url: 'https://stag.example.com' },
    ]);
    const off = run(makeHost({ rootPathInServers: false }));
    expect(JSON.parse((await call(off, '/openapi.json', { rootPath: '/api' })).text).servers).toBeUndefined();
  });

  test('openapiUrl: null disables the schema and every page', async () => {
    const app = run(makeHost({ openapiUrl: null }));
    for (const path of ['/openapi.json', '/docs', '/redoc', '/docs/oauth2-redirect', '/docs/assets/swagger-ui.css']) {
      expect((await call(app, path)).status).toBe(404);
    }
  });

  test('docsUrl: null keeps ReDoc, with its assets under the ReDoc path; custom URLs are honoured', async () => {
    const app = run(makeHost({ docsUrl: null, redocUrl: '/reference', openapiUrl: '/api.json' }));
    expect((await call(app, '/docs')).status).toBe(404);
    expect((await call(app, '/docs/oauth2-redirect')).status).toBe(404);
    const page = await call(app, '/reference');
    expect(page.text).toContain('<redoc spec-url="/api.json"></redoc>');
    expect(page.text).toContain(`src="/reference/assets/redoc.standalone.js?v=${redocVersion}"`);
    expect((await call(app, '/reference/assets/redoc.standalone.js')).status).toBe(200);
    expect((await call(app, '/api.json')).status).toBe(200);
  });

  test('swaggerUiOauth2RedirectUrl: null drops the redirect page and the line in the page', async () => {
    const app = run(makeHost({ swaggerUiOauth2RedirectUrl: null, swaggerUiInitOAuth: { clientId: 'c' }, swaggerUiParameters: { tryItOutEnabled: true } }));
    const docs = await call(app, '/docs');
    expect(docs.text).not.toContain('oauth2RedirectUrl');
    expect(docs.text).toContain('ui.initOAuth({"clientId":"c"});');
    expect(docs.text).toContain('"tryItOutEnabled": true,');
    expect((await call(app, '/docs/oauth2-redirect')).status).toBe(404);
  });

  test("docsAssets: 'cdn' points at jsDelivr pinned to the installed versions and serves no assets", async () => {
    const app = run(makeHost({ docsAssets: 'cdn' }));
    const docs = await call(app, '/docs');
    expect(docs.text).toContain(`<script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@${swaggerVersion}/swagger-ui-bundle.js"></script>`);
    expect(docs.text).toContain(`href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@${swaggerVersion}/swagger-ui.css"`);
    const redoc = await call(app, '/redoc');
    expect(redoc.text).toContain(`src="https://cdn.jsdelivr.net/npm/redoc@${redocVersion}/bundles/redoc.standalone.js"`);
    expect(redoc.text).toContain('https://fonts.googleapis.com/css');
    expect((await call(app, '/docs/assets/swagger-ui.css')).status).toBe(404);
  });

  test('explicit asset URLs replace only the ones given', async () => {
    const app = run(makeHost({ docsAssets: { swaggerJsUrl: 'https://static.example.com/sw.js' } }));
    const docs = await call(app, '/docs');
    expect(docs.text).toContain('<script src="https://static.example.com/sw.js"></script>');
    expect(docs.text).toContain(`href="/docs/assets/swagger-ui.css?v=${swaggerVersion}"`);
  });

  test("the app's own openapi() is what /openapi.json serves", async () => {
    const app = run(makeHost({ openapi: () => ({ openapi: '3.1.0', info: { title: 'custom', version: '9' }, paths: {} }) }));
    expect(JSON.parse((await call(app, '/openapi.json')).text)).toEqual({ openapi: '3.1.0', info: { title: 'custom', version: '9' }, paths: {} });
  });
});

describe('getAppOpenapi', () => {
  test('generates once and caches in openapiSchema', () => {
    const host = { title: 'A', version: '1', routes: [apiRoute] as unknown[], openapiSchema: null as null | ReturnType<typeof getAppOpenapi> };
    const first = getAppOpenapi(host);
    expect(host.openapiSchema).toBe(first);
    expect(getAppOpenapi(host)).toBe(first);
    expect(first.info).toEqual({ title: 'A', version: '1' });
  });

  test('a schema the user set is served as is, even after routes change', () => {
    const custom = { openapi: '3.1.0', info: { title: 'Custom', version: '2', 'x-logo': { url: 'logo.png' } }, paths: {} };
    const host = { title: 'A', version: '1', routes: [apiRoute] as unknown[], openapiSchema: custom };
    expect(getAppOpenapi(host)).toBe(custom);
    host.routes.push({ ...apiRoute, path: '/more' });
    expect(getAppOpenapi(host)).toBe(custom);
  });

  test('routes added after the first call are picked up, as FastAPI regenerates on a new routes version', () => {
    const host = { title: 'A', version: '1', routes: [apiRoute] as unknown[] };
    expect(Object.keys(getAppOpenapi(host).paths!)).toEqual(['/items/']);
    host.routes.push({ ...apiRoute, path: '/more', name: 'more' });
    expect(Object.keys(getAppOpenapi(host).paths!)).toEqual(['/items/', '/more']);
  });

  test('all FastAPI document options flow through, webhooks from a router', () => {
    const doc = getAppOpenapi({
      title: 'A',
      version: '1',
      openapiVersion: '3.1.1',
      summary: 's',
      description: 'd',
      termsOfService: 'https://example.com/tos',
      contact: { email: 'a@example.com' },
      licenseInfo: { name: 'MIT', identifier: 'MIT' },
      routes: [],
      webhooks: { routes: [{ ...apiRoute, path: 'new-item', name: 'new_item' }] },
      openapiTags: [{ name: 'items' }],
      servers: [{ url: 'https://api.example.com' }],
      openapiExternalDocs: { url: 'https://example.com/docs' },
    });
    expect(doc).toMatchObject({
      openapi: '3.1.1',
      info: { title: 'A', version: '1', summary: 's', description: 'd', termsOfService: 'https://example.com/tos', contact: { email: 'a@example.com' }, license: { name: 'MIT', identifier: 'MIT' } },
      servers: [{ url: 'https://api.example.com' }],
      paths: {},
      tags: [{ name: 'items' }],
      externalDocs: { url: 'https://example.com/docs' },
    });
    expect(Object.keys(doc.webhooks!)).toEqual(['new-item']);
  });
});
