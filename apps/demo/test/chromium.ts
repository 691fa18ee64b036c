/**
 * Headless Chromium for the demo's browser test: a copy of fastapi-ts's test
 * helper (packages/fastapi-ts/test/helpers/chromium.ts; the demo's tsconfig
 * rootDir keeps it from importing across packages). A missing browser is a
 * failure with instructions, never a skip.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';

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
