/**
 * The OAuth2 password flow from Swagger UI, in real headless Chromium against
 * an app served on a real socket: the Authorize dialog shows the scheme and
 * its scopes, posts the form to the token endpoint (read by
 * OAuth2PasswordRequestForm), and "Try it out" on a protected operation then
 * sends the bearer token (OAuth2PasswordBearer) and gets 200; before logging
 * in, the same operation answers 401.
 */
import { serve, type ASGIApp, type ServerHandle } from 'asgi-core';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  Depends,
  FastAPI,
  HTTPException,
  OAuth2PasswordBearer,
  OAuth2PasswordRequestForm,
  Security,
  SecurityScopes,
  dependency,
} from '../../src';
import { execute, isolatedContext, launchChromium, pageErrors, requestHosts, tryItOut } from '../helpers/chromium';

jest.setTimeout(120_000);

/** What the token endpoint received, for assertions on what Swagger UI sent. */
const received: Array<{ grantType?: string; username: string; scopes: string[] }> = [];

function buildApp(): ASGIApp {
  const app = new FastAPI({ title: 'Security Browser Test' });
  const oauth2Scheme = new OAuth2PasswordBearer({ tokenUrl: 'token', scopes: { me: 'Read information about the current user.', items: 'Read items.' } });
  // Tokens are opaque here ("<user>|<scopes>"): what matters is that Swagger UI obtains one and sends it back.
  app.post('/token', { params: { form: Depends(OAuth2PasswordRequestForm) } }, function login({ form }) {
    received.push({ grantType: form.grantType, username: form.username, scopes: form.scopes });
    if (form.username !== 'johndoe' || form.password !== 'secret') throw new HTTPException(400, 'Incorrect username or password');
    return { access_token: `${form.username}|${form.scopes.join(',')}`, token_type: 'bearer' };
  });
  const getCurrentUser = dependency({ securityScopes: SecurityScopes, token: Depends(oauth2Scheme) }, function get_current_user({ securityScopes, token }) {
    const [username, granted = ''] = token.split('|');
    if (username !== 'johndoe') throw new HTTPException(401, 'Could not validate credentials', { 'WWW-Authenticate': 'Bearer' });
    for (const scope of securityScopes.scopes) {
      if (!granted.split(',').includes(scope)) {
        throw new HTTPException(401, 'Not enough permissions', { 'WWW-Authenticate': `Bearer scope="${securityScopes.scopeStr}"` });
      }
    }
    return { username, scopes: granted.split(',').filter(Boolean) };
  });
  app.get('/users/me', { params: { user: Security(getCurrentUser, { scopes: ['me'] }) } }, function read_users_me({ user }) {
    return user;
  });
  app.get('/status', { params: { user: Depends(getCurrentUser) } }, function read_status({ user }) {
    return { status: 'ok', user: user.username };
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

/** "Try it out" + "Execute" on the GET operation of `path`: its live status and JSON body, and the block. */
async function run(page: Page, path: string): Promise<{ status: string; json: unknown; block: Locator }> {
  const block = await tryItOut(page, 'get', path);
  return { ...(await execute(block)), block };
}

async function authorize(page: Page, options: { username: string; password: string; scopes: string[] }, open = true): Promise<void> {
  const modal = page.locator('.modal-ux');
  if (open) {
    await page.click('.auth-wrapper button.authorize');
    await modal.locator('.auth-container').first().waitFor({ timeout: 10_000 });
  }
  await modal.locator('input#oauth_username').fill(options.username);
  await modal.locator('input#oauth_password').fill(options.password);
  for (const scope of options.scopes) await modal.locator('.scopes .checkbox', { hasText: scope }).locator('label').first().click();
  await modal.locator('.auth-btn-wrapper button.authorize').click();
}

test('log in through the Authorize dialog, then "Try it out" on a protected operation gets 200', async () => {
  received.length = 0;
  const { context, log } = await isolatedContext(browser);
  const page = await context.newPage();
  const errors = pageErrors(page);
  await page.goto(`${server.url}/docs`, { waitUntil: 'networkidle' });
  await page.waitForSelector('.opblock', { timeout: 30_000 });

  // Not logged in yet: the protected operation answers 401 live.
  const before = await run(page, '/status');
  expect([before.status, before.json]).toEqual(['401', { detail: 'Not authenticated' }]);

  // The dialog shows the scheme, the password flow and its scopes.
  await page.click('.auth-wrapper button.authorize');
  const modal = page.locator('.modal-ux');
  await modal.locator('.auth-container').first().waitFor({ timeout: 10_000 });
  const dialog = (await modal.textContent()) ?? '';
  for (const text of ['OAuth2PasswordBearer', 'password', 'Read information about the current user.', 'Read items.']) expect(dialog).toContain(text);
  await modal.locator('.close-modal').click();

  // A wrong password is refused by the token endpoint and the dialog says so.
  await authorize(page, { username: 'johndoe', password: 'wrong', scopes: [] });
  await modal.locator('.errors').first().waitFor({ timeout: 10_000 });
  // Swagger UI reports the token endpoint's 400 by its status text.
  expect(await modal.locator('.errors').first().textContent()).toContain('Bad Request');
  expect(received).toEqual([{ grantType: 'password', username: 'johndoe', scopes: [] }]);

  // Then, in the same dialog, the right password with the "me" scope.
  await authorize(page, { username: 'johndoe', password: 'secret', scopes: ['me'] }, false);
  await modal.locator('button.authorize:has-text("Logout")').waitFor({ timeout: 10_000 });
  await modal.locator('.close-modal').click();
  expect(received.at(-1)).toEqual({ grantType: 'password', username: 'johndoe', scopes: ['me'] });

  const status = await run(page, '/status');
  expect([status.status, status.json]).toEqual(['200', { status: 'ok', user: 'johndoe' }]);
  const me = await run(page, '/users/me');
  expect([me.status, me.json]).toEqual(['200', { username: 'johndoe', scopes: ['me'] }]);
  const curl = (await me.block.locator('.curl-command').textContent()) ?? '';
  expect(curl).toContain('Authorization: Bearer johndoe|me');

  expect(log.blocked).toEqual([]);
  expect(requestHosts(log)).toEqual(['127.0.0.1']);
  expect(log.requests).toEqual(expect.arrayContaining([`${server.url}/openapi.json`, `${server.url}/token`, `${server.url}/users/me`, `${server.url}/status`]));
  // The 401 and 400 answers above are logged by Chromium as failed resources; nothing else may fail.
  expect(errors.filter((e) => !/status of (400|401)/.test(e))).toEqual([]);
  await page.screenshot({ path: '/tmp/security-docs.png', fullPage: true });
  await context.close();
});

test('a token without the scope an operation needs: Swagger UI shows the live 401 and its challenge', async () => {
  const { context } = await isolatedContext(browser);
  const page = await context.newPage();
  await page.goto(`${server.url}/docs`, { waitUntil: 'networkidle' });
  await page.waitForSelector('.opblock', { timeout: 30_000 });
  await authorize(page, { username: 'johndoe', password: 'secret', scopes: ['items'] });
  const modal = page.locator('.modal-ux');
  await modal.locator('button.authorize:has-text("Logout")').waitFor({ timeout: 10_000 });
  await modal.locator('.close-modal').click();
  const me = await run(page, '/users/me');
  expect([me.status, me.json]).toEqual(['401', { detail: 'Not enough permissions' }]);
  expect(await me.block.locator('.live-responses-table tr.response .response-col_description').first().textContent()).toContain('www-authenticate: Bearer scope="me"');
  await context.close();
});
