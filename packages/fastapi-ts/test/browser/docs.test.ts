/**
 * /docs (Swagger UI) and /redoc in real headless Chromium against an app
 * served on a real socket: every operation listed, "Try it out" + "Execute"
 * shows the live response, "Authorize" appears for a security scheme, ReDoc
 * renders, and no request leaves 127.0.0.1 while the pages load and run.
 */
import { serve, type ServerHandle, type ASGIApp } from 'asgi-core';
import type { Browser } from 'playwright-core';
import { JSONResponse, type Request } from 'starlette-ts';
import { z } from 'zod';
import { Body, Depends, FastAPI, HTTPException, Header, Model, Path, Query, dependency } from '../../src';
import { execute, isolatedContext, launchChromium, pageErrors, renderedOperations, requestHosts, tryItOut } from '../helpers/chromium';

jest.setTimeout(120_000);

class Item extends Model('Item', { name: z.string(), price: z.number(), tax: z.number().nullable().optional() }) {}

/**
 * The app under test: a real FastAPI app. OAuth2 is declared the way the
 * security utilities will: a dependency whose dependant carries a
 * `securityRequirements` entry (added to the compiled graph here).
 */
function buildApp(): ASGIApp {
  const app = new FastAPI({ title: 'Browser Test' });
  app.get('/items/', { tags: ['items'], params: { q: Query(z.string().optional()) } }, function read_items({ q }) {
    return { items: [{ name: 'Foo' }, { name: 'Bar' }], q: q ?? null };
  });
  app.get('/items/{item_id}', { tags: ['items'], params: { item_id: Path(z.coerce.number().int()) } }, function read_item({ item_id }) {
    return { item_id };
  });
  app.post('/items/', { tags: ['items'], responseModel: Item, params: { item: Body(Item) } }, function create_item({ item }) {
    return item;
  });
  // The password flow's token endpoint (form parsing by hand: it only has to answer Swagger UI).
  app.addRoute('/token', async (request: Request) => {
    const form = await request.form();
    const ok = form.get('username') === 'johndoe' && form.get('password') === 'secret';
    return ok
      ? new JSONResponse({ access_token: 'johndoe-token', token_type: 'bearer' })
      : new JSONResponse({ detail: 'Incorrect username or password' }, { status: 400 });
  }, { methods: ['POST'], includeInSchema: false });
  const oauth2Scheme = dependency(
    { authorization: Header(z.string().optional(), { includeInSchema: false }) },
    function oauth2_scheme({ authorization }) {
      if (authorization !== 'Bearer johndoe-token') {
        throw new HTTPException(401, 'Not authenticated', { 'WWW-Authenticate': 'Bearer' });
      }
      return 'johndoe';
    },
  );
  const me = app.get('/users/me', { params: { user: Depends(oauth2Scheme) } }, function read_users_me({ user }) {
    return { username: user };
  });
  me.dependant.dependencies[0].securityRequirements.push({
    schemeName: 'OAuth2PasswordBearer',
    scheme: { type: 'oauth2', flows: { password: { tokenUrl: 'token', scopes: {} } } },
    scopes: [],
  });
  return app as unknown as ASGIApp;
}

let browser: Browser;
let server: ServerHandle;

beforeAll(async () => {
  server = await serve(buildApp(), { host: '127.0.0.1', port: 0, lifespan: 'off', logLevel: 'warning', accessLog: false });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test('the server listens on 127.0.0.1 only', () => {
  expect(new URL(server.url).hostname).toBe('127.0.0.1');
});

test('/docs lists every operation, runs "Try it out" + "Execute" live, offers Authorize, and stays on 127.0.0.1', async () => {
  const { context, log } = await isolatedContext(browser);
  const page = await context.newPage();
  const errors = pageErrors(page);
  await page.goto(`${server.url}/docs`, { waitUntil: 'networkidle' });
  // every operation, by method and path
  expect(await renderedOperations(page)).toEqual(['GET /items/', 'GET /items/{item_id}', 'GET /users/me', 'POST /items/']);
  expect(await page.title()).toBe('Browser Test - Swagger UI');

  // the security scheme: the Authorize button and its dialog; log in through the password flow
  await page.click('button.authorize');
  await page.waitForSelector('.modal-ux .auth-container', { timeout: 10_000 });
  const dialog = await page.textContent('.modal-ux');
  expect(dialog).toContain('OAuth2PasswordBearer');
  expect(dialog).toContain('password');
  await page.screenshot({ path: '/tmp/docs-authorize.png' });
  await page.fill('.modal-ux input#oauth_username', 'johndoe');
  await page.fill('.modal-ux input#oauth_password', 'secret');
  await page.click('.modal-ux .auth-btn-wrapper button.authorize');
  await page.waitForSelector('.modal-ux button.authorize:has-text("Logout")', { timeout: 10_000 });
  await page.click('.modal-ux .close-modal');

  // the protected operation now runs with the token
  expect(await execute(await tryItOut(page, 'get', '/users/me'))).toEqual({ status: '200', json: { username: 'johndoe' } });

  // Try it out + Execute on GET /items/{item_id}
  const block = await tryItOut(page, 'get', '/items/{item_id}');
  await block.locator('input[placeholder="item_id"]').fill('42');
  expect(await execute(block)).toEqual({ status: '200', json: { item_id: 42 } });
  const curl = await block.locator('.curl-command').textContent();
  expect(curl).toContain(`${server.url}/items/42`);

  await page.screenshot({ path: '/tmp/docs.png', fullPage: true });
  expect(log.blocked).toEqual([]);
  expect(requestHosts(log)).toEqual(['127.0.0.1']);
  expect(log.requests).toEqual(expect.arrayContaining([
    `${server.url}/docs`,
    `${server.url}/openapi.json`,
    expect.stringMatching(/\/docs\/assets\/swagger-ui-bundle\.js\?v=/),
    expect.stringMatching(/\/docs\/assets\/swagger-ui\.css\?v=/),
    `${server.url}/items/42`,
    `${server.url}/token`,
    `${server.url}/users/me`,
  ]));
  expect(errors).toEqual([]);
  await context.close();
});

test('/docs sends a JSON body through "Try it out": the validated item, then a live 422', async () => {
  const { context, log } = await isolatedContext(browser);
  const page = await context.newPage();
  await page.goto(`${server.url}/docs#/items/create_item_items__post`, { waitUntil: 'networkidle' });
  const block = await tryItOut(page, 'post', '/items/');
  await block.locator('textarea.body-param__text').fill('{"name": "Hammer", "price": 9.5}');
  expect(await execute(block)).toEqual({ status: '200', json: { name: 'Hammer', price: 9.5, tax: null } });
  // a body the model rejects shows the 422 from the live app
  await block.locator('textarea.body-param__text').fill('{"name": "Hammer"}');
  const invalid = await execute(block);
  expect(invalid.status).toBe('422');
  expect((invalid.json as { detail: Array<{ type: string; loc: unknown[] }> }).detail.map((d) => [d.type, d.loc])).toEqual([['missing', ['body', 'price']]]);
  expect(log.blocked).toEqual([]);
  expect(requestHosts(log)).toEqual(['127.0.0.1']);
  await context.close();
});

test('/redoc renders every operation from the local bundle and stays on 127.0.0.1', async () => {
  const { context, log } = await isolatedContext(browser);
  const page = await context.newPage();
  const errors = pageErrors(page);
  await page.goto(`${server.url}/redoc`, { waitUntil: 'networkidle' });
  await page.waitForSelector('[data-section-id^="operation/"]', { timeout: 30_000 });
  const sections = await page.$$eval('[data-section-id^="operation/"]', (els) => els.map((e) => e.getAttribute('data-section-id')));
  expect(new Set(sections)).toEqual(new Set([
    'operation/read_items_items__get',
    'operation/read_item_items__item_id__get',
    'operation/create_item_items__post',
    'operation/read_users_me_users_me_get',
  ]));
  const text = await page.textContent('body');
  for (const summary of ['Read Items', 'Read Item', 'Create Item', 'Read Users Me', 'OAuth2PasswordBearer']) expect(text).toContain(summary);
  expect(await page.title()).toBe('Browser Test - ReDoc');
  await page.screenshot({ path: '/tmp/redoc.png' });
  expect(log.blocked).toEqual([]);
  expect(requestHosts(log)).toEqual(['127.0.0.1']);
  expect(log.requests).toEqual(expect.arrayContaining([`${server.url}/openapi.json`, expect.stringMatching(/\/docs\/assets\/redoc\.standalone\.js\?v=/)]));
  expect(errors).toEqual([]);
  await context.close();
});

test('the network guard works: a CDN page is blocked and recorded (this suite can fail)', async () => {
  const { context, log } = await isolatedContext(browser);
  const page = await context.newPage();
  await page.setContent('<script src="https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js"></script>');
  expect(log.blocked).toEqual(['https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js']);
  await context.close();
});

/** A path-prefix proxy in front of the app: `/api/...` reaches the app as `...` with `root_path` `/api`. */
function behindProxy(app: ASGIApp, prefix: string): ASGIApp {
  return async (scope, receive, send) => {
    if (scope.type === 'http' && (scope.path === prefix || scope.path.startsWith(`${prefix}/`))) {
      const path = scope.path.slice(prefix.length) || '/';
      await app({ ...scope, path, raw_path: path, root_path: prefix }, receive, send);
      return;
    }
    await send({ type: 'http.response.start', status: 404, headers: [['content-type', 'text/plain; charset=utf-8']] });
    await send({ type: 'http.response.body', body: new TextEncoder().encode('not behind the proxy prefix') });
  };
}

test('behind a proxy (root_path /api) the docs load their assets and run operations through the prefix', async () => {
  const proxied = await serve(behindProxy(buildApp(), '/api'), { host: '127.0.0.1', port: 0, lifespan: 'off', logLevel: 'warning', accessLog: false });
  const { context, log } = await isolatedContext(browser);
  try {
    const page = await context.newPage();
    const errors = pageErrors(page);
    await page.goto(`${proxied.url}/api/docs`, { waitUntil: 'networkidle' });
    const block = await tryItOut(page, 'get', '/items/');
    await block.locator('input[placeholder="q"]').fill('hammer');
    expect(await execute(block)).toEqual({ status: '200', json: { items: [{ name: 'Foo' }, { name: 'Bar' }], q: 'hammer' } });
    const paths = log.requests.map((url) => new URL(url).pathname);
    expect(paths).toEqual(expect.arrayContaining(['/api/docs', '/api/openapi.json', '/api/docs/assets/swagger-ui-bundle.js', '/api/items/']));
    expect(paths.filter((p) => !p.startsWith('/api/'))).toEqual([]);
    expect(log.blocked).toEqual([]);
    expect(requestHosts(log)).toEqual(['127.0.0.1']);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
    await proxied.close();
  }
});

test('a missing Chromium is a clear failure, never a skip', async () => {
  await expect(launchChromium('/nonexistent/chromium')).rejects.toThrow(
    'Chromium not found at /nonexistent/chromium: browser tests need it. ' +
      'Install it with `apt-get update && apt-get install -y chromium` (or set CHROMIUM_PATH).',
  );
});
