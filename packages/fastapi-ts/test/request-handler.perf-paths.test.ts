// The fast paths of the per-route handler (docs/benchmarks.md): the body-size
// counting wrapper is skipped when the request framing already bounds the body,
// and the behaviour stays the same on every path, including lying framing.
import 'reflect-metadata';
import { serve, type ASGIApp, type HTTPScope, type ServerHandle } from 'asgi-core';
import { request } from 'undici';
import { z } from 'zod';
import { BackgroundTasks, Body, Controller, Cookie, Depends, dependency, FastAPI, HTTPException, Model, Post, Query, Request, ResponseValidationError } from '../src';
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
// The body limit also holds where only a dependency (or an override) takes the Request and reads the body.
const bodySize = dependency({ request: Request }, async ({ request }) => (await request.body()).byteLength);
app.post('/through-dependency/', { params: { size: Depends(bodySize) } }, ({ size }) => ({ size }));
const noBody = dependency({}, () => 0);
app.post('/overridden/', { params: { size: Depends(noBody) } }, ({ size }) => ({ size }));

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

  test('a body read by a dependency that takes the Request is counted too', async () => {
    const chunk = Buffer.from('x'.repeat(50));
    const over = await call(app, 'POST', '/through-dependency/', { chunks: [chunk, chunk], headers: [['transfer-encoding', 'chunked']] });
    expect([over.status, over.json()]).toEqual([413, { detail: 'Request body too large' }]);
    const within = await call(app, 'POST', '/through-dependency/', { chunks: [chunk], headers: [['transfer-encoding', 'chunked']] });
    expect([within.status, within.json()]).toEqual([200, { size: 50 }]);
  });

  test('a body read by an override that takes the Request is counted too', async () => {
    const chunk = Buffer.from('x'.repeat(50));
    app.dependencyOverrides.set(noBody, bodySize);
    try {
      const r = await call(app, 'POST', '/overridden/', { chunks: [chunk, chunk], headers: [['transfer-encoding', 'chunked']] });
      expect([r.status, r.json()]).toEqual([413, { detail: 'Request body too large' }]);
    } finally {
      app.dependencyOverrides.clear();
    }
    expect((await call(app, 'POST', '/overridden/', { chunks: [chunk, chunk], headers: [['transfer-encoding', 'chunked']] })).json()).toEqual({ size: 0 });
  });

  test('duplicated content-length headers go through the counting wrapper', async () => {
    const chunk = Buffer.from('x'.repeat(50));
    const r = await call(app, 'POST', '/raw/', { chunks: [chunk, chunk], headers: [['content-length', '10'], ['content-length', '10']] });
    expect([r.status, r.json()]).toEqual([413, { detail: 'Request body too large' }]);
  });
});

describe('the synchronous path (no body, no async dependency, no exits) answers as the async one does', () => {
  const log: string[] = [];
  const sync = new FastAPI();
  const Out = Model('Out', { id: z.number() });
  sync.get('/plain', {}, () => ({ message: 'Hello World' }));
  sync.head('/plain', {}, () => ({ message: 'Hello World' }));
  sync.get('/missing', {}, () => {
    throw new HTTPException(404, 'Item not found', { 'x-error': 'yes' });
  });
  sync.get('/query', { params: { n: Query(z.coerce.number().int()) } }, ({ n }) => ({ n }));
  sync.get('/wrong-shape', { responseModel: Out }, () => ({ id: 'not a number' }));
  sync.get('/later', { params: { tasks: BackgroundTasks } }, ({ tasks }) => {
    tasks.addTask(() => void log.push('task ran'));
    return { queued: true };
  });
  const gen = dependency({}, function* () {
    log.push('setup');
    yield 'value';
    log.push('cleanup');
  });
  sync.get('/with-exit', { params: { v: Depends(gen) } }, ({ v }) => ({ v }));
  sync.get('/async', {}, async () => ({ late: true }));

  test('a value becomes the JSON response, with its length', async () => {
    const r = await call(sync, 'GET', '/plain');
    expect([r.status, r.rawHeaders, r.text]).toEqual([200, [['content-length', '25'], ['content-type', 'application/json']], '{"message":"Hello World"}']);
  });

  test('HEAD gets the headers and no body', async () => {
    const r = await call(sync, 'HEAD', '/plain');
    expect([r.status, r.headers['content-length'], r.text]).toEqual([200, '25', '']);
  });

  test('an HTTPException thrown by the handler becomes its response', async () => {
    const r = await call(sync, 'GET', '/missing');
    expect([r.status, r.headers['x-error'], r.json()]).toEqual([404, 'yes', { detail: 'Item not found' }]);
  });

  test('a missing or malformed parameter is a 422 with the errors', async () => {
    expect((await call(sync, 'GET', '/query?n=3')).json()).toEqual({ n: 3 });
    const r = await call(sync, 'GET', '/query?n=x');
    expect(r.status).toBe(422);
    expect(r.json().detail[0]).toMatchObject({ type: 'int_parsing', loc: ['query', 'n'], input: 'x' });
    const missing = await call(sync, 'GET', '/query');
    expect([missing.status, missing.json().detail[0].type]).toEqual([422, 'missing']);
  });

  test('a value the response model refuses is a 500, with the ResponseValidationError raised', async () => {
    const r = await call(sync, 'GET', '/wrong-shape');
    expect([r.status, r.text]).toEqual([500, 'Internal Server Error']);
    expect(r.error).toBeInstanceOf(ResponseValidationError);
  });

  test('background tasks run after the response', async () => {
    log.length = 0;
    const r = await call(sync, 'GET', '/later');
    expect([r.status, r.json(), log]).toEqual([200, { queued: true }, ['task ran']]);
  });

  test('a generator dependency and an async handler take the async path, with the same answers', async () => {
    log.length = 0;
    const r = await call(sync, 'GET', '/with-exit');
    expect([r.status, r.json(), log]).toEqual([200, { v: 'value' }, ['setup', 'cleanup']]);
    expect((await call(sync, 'GET', '/async')).json()).toEqual({ late: true });
  });
});

describe('the JSON answer goes out as text where the server takes it (asgi-core\'s http.response.text)', () => {
  const log: string[] = [];
  const WORD = 'caf\u00e9 \u2615 \ud83d\ude00 "quoted" \u2028';
  const textApp = new FastAPI();
  textApp.apiRoute('/word', ['GET', 'HEAD'], { params: { tasks: BackgroundTasks } }, ({ tasks }) => {
    tasks.addTask(() => void log.push('task ran'));
    return { word: WORD };
  });
  textApp.get('/missing', {}, () => {
    throw new HTTPException(404, 'Item not found');
  });
  const expectedBody = JSON.stringify({ word: WORD });
  let handle: ServerHandle;
  beforeAll(async () => {
    handle = await serve(textApp, { host: '127.0.0.1', port: 0, lifespan: 'off', accessLog: false, logLevel: 'critical' });
  });
  afterAll(() => handle.close());

  test('in process, a send that takes text gets the whole response in one message; one that does not gets the same bytes', async () => {
    const asText = await call(textApp, 'GET', '/word', { acceptsText: true });
    const asBytes = await call(textApp, 'GET', '/word');
    expect(asText.sent).toEqual(['http.response.text']);
    expect(asBytes.sent).toEqual(['http.response.start', 'http.response.body']);
    expect([asText.status, asText.rawHeaders, asText.text]).toEqual([asBytes.status, asBytes.rawHeaders, asBytes.text]);
    expect(asText.rawHeaders).toEqual([['content-length', String(Buffer.byteLength(expectedBody))], ['content-type', 'application/json']]);
    expect(asText.text).toBe(expectedBody);
  });

  test('over a socket: the UTF-8 bytes with their length, then the background task', async () => {
    log.length = 0;
    const res = await request(`${handle.url}/word`);
    const bytes = Buffer.from(await res.body.arrayBuffer());
    expect([res.statusCode, res.headers['content-length'], res.headers['content-type']]).toEqual([200, String(Buffer.byteLength(expectedBody)), 'application/json']);
    expect(bytes.equals(Buffer.from(expectedBody, 'utf8'))).toBe(true);
    // The task runs after the last byte was handed to the socket: the client may see the body first.
    for (let i = 0; i < 100 && log.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(log).toEqual(['task ran']);
  });

  test('over a socket: HEAD gets the length and no body; an error response is unchanged', async () => {
    const head = await request(`${handle.url}/word`, { method: 'HEAD' });
    expect([head.statusCode, head.headers['content-length'], await head.body.text()]).toEqual([200, String(Buffer.byteLength(expectedBody)), '']);
    const missing = await request(`${handle.url}/missing`);
    expect([missing.statusCode, missing.headers['content-length'], await missing.body.text()]).toEqual([404, '27', '{"detail":"Item not found"}']);
  });

  test('a middleware that wraps send sees the body as http.response.body bytes', async () => {
    const seen: string[] = [];
    const wrapped = new FastAPI();
    wrapped.get('/word', {}, () => ({ word: WORD }));
    wrapped.addMiddleware((app: ASGIApp): ASGIApp => (scope, receive, send) =>
      app(scope, receive, (message) => {
        if (message.type === 'http.response.body') seen.push(Buffer.from(message.body ?? []).toString('utf8'));
        else seen.push(message.type);
        return send(message);
      }),
    );
    const r = await call(wrapped, 'GET', '/word', { acceptsText: true });
    expect(r.sent).toEqual(['http.response.start', 'http.response.body']);
    expect(seen).toEqual(['http.response.start', expectedBody]);
  });
});

describe('the Request, built on first use', () => {
  const shared = new FastAPI();
  const seen: Request[] = [];
  const readBody = dependency({ request: Request }, async ({ request }) => {
    seen.push(request);
    return (await request.body()).byteLength;
  });
  shared.post('/shared/', { params: { size: Depends(readBody), request: Request } }, async ({ size, request }) => {
    seen.push(request);
    return { size, again: (await request.body()).byteLength, cookie: request.cookies.flavour ?? null };
  });
  const cookie = dependency({ flavour: Cookie(z.string()) }, ({ flavour }) => flavour);
  shared.get('/cookie/', { params: { flavour: Depends(cookie) } }, ({ flavour }) => ({ flavour }));

  test('a dependency and the handler get one Request, and the body it read is the handler\'s too', async () => {
    seen.length = 0;
    const r = await call(shared, 'POST', '/shared/', { body: 'abcde', headers: { cookie: 'flavour=mint' } });
    expect([r.status, r.json()]).toEqual([200, { size: 5, again: 5, cookie: 'mint' }]);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
  });

  // A declared body is read straight from receive() only when nothing can take the Request: a dependency or
  // an override holding it must find the body on it.
  const Named = z.object({ name: z.string() });
  shared.post('/body-and-request/', { params: { item: Body(Named), size: Depends(readBody) } }, ({ item, size }) => ({ ...item, size }));
  const noRequest = dependency({}, () => 0);
  shared.post('/body-overridable/', { params: { item: Body(Named), size: Depends(noRequest) } }, ({ item, size }) => ({ ...item, size }));
  shared.post('/body-and-cookie/', { params: { item: Body(Named), flavour: Depends(cookie) } }, ({ item, flavour }) => ({ ...item, flavour }));

  test('a declared body is on the Request that a dependency or an override takes', async () => {
    const json = { name: 'n' };
    const r = await call(shared, 'POST', '/body-and-request/', { json });
    expect([r.status, r.json()]).toEqual([200, { name: 'n', size: 12 }]);
    shared.dependencyOverrides.set(noRequest, readBody);
    try {
      const o = await call(shared, 'POST', '/body-overridable/', { json });
      expect([o.status, o.json()]).toEqual([200, { name: 'n', size: 12 }]);
    } finally {
      shared.dependencyOverrides.clear();
    }
  });

  test('a declared body nothing else can take is read without a Request; a cookie still gets one', async () => {
    const body = jest.spyOn(Request.prototype, 'body');
    try {
      const r = await call(shared, 'POST', '/body-overridable/', { json: { name: 'n' } });
      expect([r.status, r.json()]).toEqual([200, { name: 'n', size: 0 }]);
      const c = await call(shared, 'POST', '/body-and-cookie/', { json: { name: 'n' }, headers: { cookie: 'flavour=mint' } });
      expect([c.status, c.json()]).toEqual([200, { name: 'n', flavour: 'mint' }]);
      expect(body).not.toHaveBeenCalled();
    } finally {
      body.mockRestore();
    }
  });

  test('a cookie parameter reads the request\'s cookies without the route taking the Request', async () => {
    const r = await call(shared, 'GET', '/cookie/', { headers: { cookie: 'flavour=mint' } });
    expect([r.status, r.json()]).toEqual([200, { flavour: 'mint' }]);
    expect((await call(shared, 'GET', '/cookie/')).status).toBe(422);
  });
});
