// The fast paths of the per-route handler (docs/benchmarks.md): the body-size
// counting wrapper is skipped when the request framing already bounds the body,
// and the behaviour stays the same on every path, including lying framing.
import 'reflect-metadata';
import type { HTTPScope } from 'asgi-core';
import { z } from 'zod';
import { Body, Controller, FastAPI, Model, Post, Request } from '../src';
import { framedWithin } from '../src/internal/request-handler';
import { call } from './helpers';

class Item extends Model('Item', { name: z.string(), price: z.number() }) {}

@Controller()
class PerfController {
  @Post('/items/')
  create(@Body() item: Item) {
    return item;
  }

  @Post('/raw/')
  async raw(request: Request) {
    return { size: (await request.body()).byteLength };
  }
}

const app = new FastAPI({ maxBodySize: 64 });
app.include(PerfController);

function scopeWith(headers: Array<[string, string]>): HTTPScope {
  return {
    type: 'http', asgi: { version: '3.0', spec_version: '2.4' }, http_version: '1.1', method: 'POST', scheme: 'http',
    path: '/', raw_path: '/', query_string: '', root_path: '', headers, client: null, server: null,
  };
}

describe('framedWithin', () => {
  test('a valid content-length within the limit bounds the body', () => {
    expect(framedWithin(scopeWith([['content-length', '64']]), 64)).toBe(true);
    expect(framedWithin(scopeWith([['content-length', '0']]), 64)).toBe(true);
  });

  test('no content-length and no transfer-encoding means no body', () => {
    expect(framedWithin(scopeWith([['host', 'x']]), 64)).toBe(true);
  });

  test('a content-length over the limit, malformed, negative or duplicated needs the counting wrapper', () => {
    expect(framedWithin(scopeWith([['content-length', '65']]), 64)).toBe(false);
    expect(framedWithin(scopeWith([['content-length', '1e1']]), 64)).toBe(false);
    expect(framedWithin(scopeWith([['content-length', '-1']]), 64)).toBe(false);
    expect(framedWithin(scopeWith([['content-length', '']]), 64)).toBe(false);
    expect(framedWithin(scopeWith([['content-length', '10'], ['content-length', '10']]), 64)).toBe(false);
    expect(framedWithin(scopeWith([['content-length', '9999999999999999999']]), 64)).toBe(false);
  });

  test('a transfer-encoding needs the counting wrapper', () => {
    expect(framedWithin(scopeWith([['transfer-encoding', 'chunked']]), 64)).toBe(false);
    expect(framedWithin(scopeWith([['content-length', '5'], ['transfer-encoding', 'chunked']]), 64)).toBe(false);
  });
});

describe('body reading on the fast path', () => {
  test('a body declared within the limit is read and validated', async () => {
    const r = await call(app, 'POST', '/items/', { json: { name: 'Foo', price: 1.5 } });
    expect([r.status, r.json()]).toEqual([200, { name: 'Foo', price: 1.5 }]);
  });

  test('a body exactly at the limit is accepted', async () => {
    const body = JSON.stringify({ name: 'x'.repeat(64 - 21), price: 1 });
    expect(Buffer.byteLength(body)).toBe(64);
    const r = await call(app, 'POST', '/items/', { body, headers: { 'content-type': 'application/json' } });
    expect([r.status, r.json()]).toEqual([200, { name: 'x'.repeat(43), price: 1 }]);
  });

  test('a receive that delivers more than the declared length is still refused with 413', async () => {
    const body = Buffer.from(JSON.stringify({ name: 'x'.repeat(200), price: 1 }));
    const r = await call(app, 'POST', '/items/', {
      chunks: [body],
      headers: [['content-type', 'application/json'], ['content-length', '10']],
    });
    expect([r.status, r.json()]).toEqual([413, { detail: 'Request body too large' }]);
  });

  test('a chunked body over the limit is refused with 413 by the counting wrapper', async () => {
    const chunk = Buffer.from('x'.repeat(40));
    const r = await call(app, 'POST', '/raw/', { chunks: [chunk, chunk], headers: [['transfer-encoding', 'chunked']] });
    expect([r.status, r.json()]).toEqual([413, { detail: 'Request body too large' }]);
  });

  test('a chunked body within the limit is read whole', async () => {
    const chunk = Buffer.from('x'.repeat(20));
    const r = await call(app, 'POST', '/raw/', { chunks: [chunk, chunk], headers: [['transfer-encoding', 'chunked']] });
    expect([r.status, r.json()]).toEqual([200, { size: 40 }]);
  });

  test('duplicated content-length headers go through the counting wrapper', async () => {
    const chunk = Buffer.from('x'.repeat(50));
    const r = await call(app, 'POST', '/raw/', { chunks: [chunk, chunk], headers: [['content-length', '10'], ['content-length', '10']] });
    expect([r.status, r.json()]).toEqual([413, { detail: 'Request body too large' }]);
  });
});
