/**
 * The shared headless Chromium launcher for browser tests: Debian's
 * `chromium` package driven by `playwright-core`. A missing browser is a
 * test failure with instructions, never a skip (`.ci/run` installs it).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page, type Request } from 'playwright-core';

/** Where Debian's package installs the browser; `CHROMIUM_PATH` overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a quiet, sandbox-free headless run that makes no background connections of its own. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-quic',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium, or throws an error that says how to install it. */
export async function launchChromium(executablePath: string = CHROMIUM_PATH): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: browser tests need it. ` +
        'Install it with `apt-get update && apt-get install -y chromium` (or set CHROMIUM_PATH).',
    );
  }
  return chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
}

/** Every request a context made, and the ones the guard refused because they left the allowed hosts. */
export interface NetworkLog {
  requests: string[];
  blocked: string[];
}

/**
 * Makes a context that records every request and aborts any that would leave
 * `allowedHosts` (so a page that needs the internet fails visibly instead of
 * quietly fetching). `data:` and `blob:` URLs never touch the network.
 */
export async function isolatedContext(browser: Browser, allowedHosts: readonly string[] = ['127.0.0.1']): Promise<{ context: BrowserContext; log: NetworkLog }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const log: NetworkLog = { requests: [], blocked: [] };
  const local = (url: string): boolean => {
    const parsed = new URL(url);
    if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return true;
    return allowedHosts.includes(parsed.hostname);
  };
  context.on('request', (request: Request) => {
    log.requests.push(request.url());
  });
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (local(url)) await route.continue();
    else {
      log.blocked.push(url);
      await route.abort('blockedbyclient');
    }
  });
  return { context, log };
}

/** The hosts of the network (http, https, ws) requests in `log`. */
export function requestHosts(log: NetworkLog): string[] {
  const hosts = new Set<string>();
  for (const url of log.requests) {
    const parsed = new URL(url);
    if (parsed.protocol !== 'data:' && parsed.protocol !== 'blob:') hosts.add(parsed.hostname);
  }
  return [...hosts].sort();
}

/** Collects uncaught page errors and console errors, for assertions and diagnostics. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/** `METHOD /path` of every operation block Swagger UI rendered, sorted. */
export async function renderedOperations(page: Page): Promise<string[]> {
  await page.waitForSelector('.opblock', { timeout: 30_000 });
  const operations = await page.$$eval('.opblock', (blocks) =>
    blocks.map((b) => `${b.querySelector('.opblock-summary-method')?.textContent} ${b.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`),
  );
  return operations.sort();
}

/** The Swagger UI block of `method path`, expanded and switched to "Try it out" (each step only if not done yet). */
export async function tryItOut(page: Page, method: string, path: string): Promise<Locator> {
  const block = page.locator(`.opblock-${method.toLowerCase()}`, { has: page.locator(`[data-path="${path}"]`) });
  await block.first().waitFor({ timeout: 30_000 });
  if (!(await block.locator('button.execute').isVisible())) {
    if (!(await block.locator('button.try-out__btn').isVisible())) await block.locator('.opblock-summary').first().click();
    await block.locator('button.try-out__btn').click();
  }
  return block;
}

/**
 * Clicks "Execute" in a block that is in "Try it out" mode and returns the live answer: its status
 * code ("401", without Swagger UI's "Undocumented") and its JSON body. An earlier answer is cleared
 * first, so the one read is the new one.
 */
export async function execute(block: Locator): Promise<{ status: string; json: unknown }> {
  if ((await block.locator('.live-responses-table').count()) > 0) {
    await block.locator('button.btn-clear').click({ timeout: 10_000 });
    await block.locator('.live-responses-table').waitFor({ state: 'detached', timeout: 10_000 });
  }
  await block.locator('button.execute').click();
  const row = block.locator('.live-responses-table tr.response').first();
  await row.locator('.response-col_status').waitFor({ timeout: 20_000 });
  const status = ((await row.locator('.response-col_status').textContent()) ?? '').trim().split(/\s+/)[0];
  const json = JSON.parse((await row.locator('.response-col_description pre').first().textContent()) ?? 'null') as unknown;
  return { status, json };
}
