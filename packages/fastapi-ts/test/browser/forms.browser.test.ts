/**
 * Swagger UI submits a file: a multipart `File` + `Form` route served on a
 * real socket, "Try it out" in headless Chromium, the file chosen through the
 * file input, "Execute", and the live response shows what the app received.
 */
import { serve, type ServerHandle } from 'asgi-core';
import type { Browser } from 'playwright-core';
import { FastAPI, File, Form } from '../../src';
import { isolatedContext, launchChromium, pageErrors, requestHosts } from '../helpers/chromium';

jest.setTimeout(120_000);

let browser: Browser;
let server: ServerHandle;

beforeAll(async () => {
  const app = new FastAPI({ title: 'Upload Test' });
  app.post('/uploadfile/', { tags: ['files'], params: { file: File(), note: Form() } }, async ({ file, note }) => {
    const content = await file.read();
    return { filename: file.filename, content_type: file.contentType, size: content.byteLength, head: new TextDecoder().decode(content.subarray(0, 11)), note };
  });
  server = await serve(app, { host: '127.0.0.1', port: 0, lifespan: 'off', logLevel: 'warning', accessLog: false });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test('"Try it out" with a chosen file and a form field posts multipart; the live response shows the file\'s name and size', async () => {
  const { context, log } = await isolatedContext(browser);
  const page = await context.newPage();
  const errors = pageErrors(page);
  await page.goto(`${server.url}/docs`, { waitUntil: 'networkidle' });
  const block = page.locator('.opblock-post', { has: page.locator('[data-path="/uploadfile/"]') });
  await block.waitFor({ timeout: 30_000 });
  await block.locator('.opblock-summary').first().click();
  await block.locator('button.try-out__btn').click();

  const content = Buffer.concat([Buffer.from('hello world'), Buffer.alloc(4096 - 11, 0x2e)]);
  await block.locator('input[type="file"]').setInputFiles({ name: 'report.txt', mimeType: 'text/plain', buffer: content });
  await block.locator('tr[data-property-name="note"] input').fill('quarterly');
  const sent = page.waitForRequest((r) => r.url() === `${server.url}/uploadfile/`);
  await block.locator('button.execute').click();
  const status = block.locator('.live-responses-table tr.response .response-col_status').first();
  await status.waitFor({ timeout: 20_000 });
  expect((await status.textContent())?.trim()).toBe('200');
  const body = await block.locator('.live-responses-table tr.response .response-col_description pre').first().textContent();
  expect(JSON.parse(body ?? 'null')).toEqual({ filename: 'report.txt', content_type: 'text/plain', size: 4096, head: 'hello world', note: 'quarterly' });
  expect((await sent).headers()['content-type']).toMatch(/^multipart\/form-data; boundary=/);

  expect(log.blocked).toEqual([]);
  expect(requestHosts(log)).toEqual(['127.0.0.1']);
  expect(errors).toEqual([]);
  await context.close();
});
