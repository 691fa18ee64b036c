/**
 * The demo's /docs (Swagger UI) and /redoc in real headless Chromium, against
 * the demo served on a real socket with its lifespan: every operation of
 * /openapi.json is listed, "Try it out" + "Execute" answers live on
 * representative routes, the Authorize dialog logs in through the OAuth2
 * password flow (POST /token) so GET /users/me answers 200, ReDoc renders,
 * and no request leaves 127.0.0.1.
 */
import { serve, type ServerHandle } from 'asgi-core';
import type { Browser } from 'playwright-core';
import { request } from 'undici';
import { execute, isolatedContext, launchChromium, pageErrors, renderedOperations, requestHosts, tryItOut } from '../../../packages/fastapi-ts/test/helpers/chromium';
import { createApp } from '../src/main';

jest.setTimeout(180_000);

interface OpenAPIDocument {
  paths: Record<string, Record<string, { operationId: string }>>;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

let browser: Browser;
let server: ServerHandle;
let document: OpenAPIDocument;

beforeAll(async () => {
  const app = createApp({ database: ':memory:', sseIntervalMs: 0, secretKey: 'docs-secret', scryptLogN: 10 });
  server = await serve(app, { host: '127.0.0.1', port: 0, lifespan: 'on', logLevel: 'warning', accessLog: false });
  const response = await request(`${server.url}/openapi.json`);
  expect(response.statusCode).toBe(200);
  document = (await response.body.json()) as OpenAPIDocument;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** `METHOD /path` of every operation in the served document. */
function documentOperations(): string[] {
  const out: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of Object.keys(item)) if (HTTP_METHODS.has(method)) out.push(`${method.toUpperCase()} ${path}`);
  }
  return out.sort();
}

test('the served document has the demo\'s routes (the list the page is checked against is not empty)', () => {
  const operations = documentOperations();
  expect(operations).toEqual(expect.arrayContaining([
    'GET /catalog/{item_id}',
    'GET /hello-world',
    'GET /predict',
    'GET /users/me',
    'POST /token',
    'POST /users/',
  ]));
  expect(operations.length).toBeGreaterThanOrEqual(20);
});

test('/docs lists every operation, runs routes live, logs in through Authorize, and stays on 127.0.0.1', async () => {
  const { context, log } = await isolatedContext(browser);
  const page = await context.newPage();
  const errors = pageErrors(page);
  await page.goto(`${server.url}/docs`, { waitUntil: 'networkidle' });
  // every operation of /openapi.json is rendered, and nothing else
  expect(await renderedOperations(page)).toEqual(documentOperations());
  expect(await page.title()).toBe('Inventory - Swagger UI');

  // GET /hello-world
  let block = await tryItOut(page, 'get', '/hello-world');
  expect(await execute(block)).toEqual({ status: '200', json: 'Hello!' });

  // GET /catalog/{item_id} with foo: only the fields that were set
  block = await tryItOut(page, 'get', '/catalog/{item_id}');
  await block.locator('input[placeholder="item_id"]').fill('foo');
  expect(await execute(block)).toEqual({ status: '200', json: { name: 'Foo', price: 50.2 } });
  await block.locator('input[placeholder="item_id"]').fill('nope');
  expect(await execute(block)).toEqual({ status: '404', json: { detail: 'Item not found' } });

  // GET /predict?x=2: the model loaded by the lifespan
  block = await tryItOut(page, 'get', '/predict');
  await block.locator('input[placeholder="x"]').fill('2');
  expect(await execute(block)).toEqual({ status: '200', json: { result: 84 } });

  // POST /users/ with a JSON body, then the same email again
  block = await tryItOut(page, 'post', '/users/');
  await block.locator('textarea.body-param__text').fill('{"email": "docs@example.com", "password": "docs-secret-pw"}');
  expect(await execute(block)).toEqual({ status: '200', json: { email: 'docs@example.com', id: 1, is_active: true, items: [] } });
  expect(await execute(block)).toEqual({ status: '400', json: { detail: 'Email already registered' } });

  // GET /users/me without a token
  const me = await tryItOut(page, 'get', '/users/me');
  expect(await execute(me)).toEqual({ status: '401', json: { detail: 'Not authenticated' } });

  // Authorize: the OAuth2 password flow posts the form to /token
  await page.click('button.authorize');
  await page.waitForSelector('.modal-ux .auth-container', { timeout: 10_000 });
  expect(await page.textContent('.modal-ux')).toContain('OAuth2PasswordBearer');
  await page.fill('.modal-ux input#oauth_username', 'docs@example.com');
  await page.fill('.modal-ux input#oauth_password', 'docs-secret-pw');
  const tokenResponse = page.waitForResponse((r) => r.url() === `${server.url}/token`);
  await page.click('.modal-ux .auth-btn-wrapper button.authorize');
  const token = await tokenResponse;
  expect(token.status()).toBe(200);
  expect(token.request().headers()['content-type']).toBe('application/x-www-form-urlencoded');
  expect(token.request().postData()).toContain('grant_type=password&username=docs%40example.com&password=docs-secret-pw');
  expect(await token.json()).toEqual({ access_token: expect.any(String), token_type: 'bearer' });
  await page.waitForSelector('.modal-ux button.authorize:has-text("Logout")', { timeout: 10_000 });
  await page.click('.modal-ux .close-modal');

  // now GET /users/me runs with the bearer token
  const meRequest = page.waitForRequest((r) => r.url() === `${server.url}/users/me`);
  expect(await execute(me)).toEqual({ status: '200', json: { email: 'docs@example.com', id: 1, is_active: true, items: [] } });
  expect((await meRequest).headers().authorization).toMatch(/^Bearer \S+$/);

  await page.screenshot({ path: '/tmp/demo-docs.png', fullPage: true });
  expect(log.blocked).toEqual([]);
  expect(requestHosts(log)).toEqual(['127.0.0.1']);
  expect(log.requests).toEqual(expect.arrayContaining([
    `${server.url}/docs`,
    `${server.url}/openapi.json`,
    `${server.url}/hello-world`,
    `${server.url}/catalog/foo`,
    `${server.url}/predict?x=2`,
    `${server.url}/users/`,
    `${server.url}/token`,
    `${server.url}/users/me`,
  ]));
  // Chromium logs each 4xx this test provoked on purpose; anything else is a page error.
  expect(errors.filter((e) => !/^console: Failed to load resource: the server responded with a status of (400|401|404) /.test(e))).toEqual([]);
  expect(errors).toHaveLength(3);
  await context.close();
});

test('/redoc renders every operation and stays on 127.0.0.1', async () => {
  const { context, log } = await isolatedContext(browser);
  const page = await context.newPage();
  const errors = pageErrors(page);
  await page.goto(`${server.url}/redoc`, { waitUntil: 'networkidle' });
  await page.waitForSelector('[data-section-id^="operation/"]', { timeout: 30_000 });
  const sections = await page.$$eval('[data-section-id^="operation/"]', (els) => els.map((e) => e.getAttribute('data-section-id')));
  const expected = Object.values(document.paths).flatMap((item) =>
    Object.entries(item).filter(([method]) => HTTP_METHODS.has(method)).map(([, op]) => `operation/${op.operationId}`),
  );
  expect(new Set(sections)).toEqual(new Set(expected));
  expect(await page.title()).toBe('Inventory - ReDoc');
  expect(log.blocked).toEqual([]);
  expect(requestHosts(log)).toEqual(['127.0.0.1']);
  expect(errors).toEqual([]);
  await context.close();
});
