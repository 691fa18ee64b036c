// Hostile request bodies, paths, queries and headers against a Starlette app: clear 4xx/500 answers, no crash, no pollution.
import { HTTPException, JSONDecodeError, JSONRenderError, JSONResponse, PlainTextResponse, Request, Route, Starlette, TestClient } from '../src';

/** Depth of nested arrays/objects, walked iteratively so the check itself cannot overflow the stack. */
function depthOf(value: unknown): number {
  let depth = 0;
  let current: unknown = value;
  while (current !== null && typeof current === 'object') {
    depth++;
    current = Array.isArray(current) ? current[0] : Object.values(current as object)[0];
  }
  return depth;
}

async function readJSON(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch (error) {
    if (error instanceof JSONDecodeError) throw new HTTPException(400, 'Invalid JSON body.');
    throw error;
  }
}

const app = new Starlette({
  routes: [
    new Route('/json', async (request) => {
      const data = await readJSON(request);
      const record = data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : {};
      const merged = { ...record };
      return new JSONResponse({
        kind: Array.isArray(data) ? 'array' : data === null ? 'null' : typeof data,
        ownKeys: Object.keys(record),
        prototypeIntact: Object.getPrototypeOf(record) === (Array.isArray(data) ? Array.prototype : Object.prototype) || typeof data !== 'object',
        mergedPrototypeIntact: Object.getPrototypeOf(merged) === Object.prototype,
        globalPolluted: 'polluted' in {},
      });
    }, { methods: ['POST'] }),
    new Route('/depth', async (request) => new JSONResponse({ depth: depthOf(await readJSON(request)) }), { methods: ['POST'] }),
    new Route('/echo-json', async (request) => new JSONResponse(await readJSON(request)), { methods: ['POST'] }),
    new Route('/number', async (request) => {
      const data = (await readJSON(request)) as { n: number };
      return new JSONResponse({ isSafeInteger: Number.isSafeInteger(data.n), isFinite: Number.isFinite(data.n), asString: String(data.n) });
    }, { methods: ['POST'] }),
    new Route('/text', async (request) => new PlainTextResponse(Buffer.from(await request.body()).toString('utf8')), { methods: ['POST'] }),
    new Route('/form', async (request) => {
      const form = await request.form();
      return new JSONResponse({ fields: form.multiItems().map(([k, v]) => [k, typeof v === 'string' ? v : 'file']), globalPolluted: 'polluted' in {} });
    }, { methods: ['POST'] }),
    new Route('/inspect/{name}', (request) =>
      new JSONResponse({
        path: request.url.path,
        name: request.pathParams.name,
        query: request.queryParams.multiItems(),
        proto: request.queryParams.get('__proto__') ?? null,
        header: request.headers.get('x-odd') ?? null,
        globalPolluted: 'polluted' in {},
      }),
    ),
  ],
});

describe('hostile bodies against a Starlette app', () => {
  const client = new TestClient(app, { raiseServerExceptions: false });
  const strictClient = new TestClient(app);

  afterEach(() => expect('polluted' in {}).toBe(false));

  test.each([
    ['an unterminated object', '{"a": 1'],
    ['a trailing comma', '{"a": 1,}'],
    ['single quotes', "{'a': 1}"],
    ['NaN', '{"a": NaN}'],
    ['an empty body', ''],
    ['a lone surrogate escape followed by garbage', '"\\ud800'],
    ['a byte-order mark before the value', '\ufeff{"a": 1}'],
  ])('%s is answered 400 with a clear body', async (_name, body) => {
    const r = await client.post('/json', { content: body, headers: { 'content-type': 'application/json' } });
    expect([r.status, r.text, r.headers.get('content-type')]).toEqual([400, 'Invalid JSON body.', 'text/plain; charset=utf-8']);
  });

  test('request.json() throws JSONDecodeError with the stable code INVALID_JSON', async () => {
    const seen: unknown[] = [];
    const probe = new Starlette({
      routes: [new Route('/', async (request) => {
        await request.json().catch((error: unknown) => seen.push(error));
        return new PlainTextResponse('done');
      }, { methods: ['POST'] })],
    });
    const r = await new TestClient(probe).post('/', { content: '{oops' });
    expect(r.text).toBe('done');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(JSONDecodeError);
    expect((seen[0] as JSONDecodeError).code).toBe('INVALID_JSON');
  });

  test('JSON nested 100 000 deep is parsed without overflowing the stack', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const r = await client.post('/depth', { content: deep, headers: { 'content-type': 'application/json' } });
    expect([r.status, r.json()]).toEqual([200, { depth: 100_000 }]);
    const objects = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    const o = await client.post('/depth', { content: objects });
    expect([o.status, o.json()]).toEqual([200, { depth: 100_000 }]);
  });

  test('echoing JSON nested 100 000 deep fails as a plain 500 (a JSONRenderError, not a crash), and the next request is served', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const r = await client.post('/echo-json', { content: deep });
    expect([r.status, r.text, r.headers.get('content-type')]).toEqual([500, 'Internal Server Error', 'text/plain; charset=utf-8']);
    await expect(strictClient.post('/echo-json', { content: deep })).rejects.toThrow(JSONRenderError);
    await expect(strictClient.post('/echo-json', { content: deep })).rejects.toThrow('Value is not JSON serializable: Maximum call stack size exceeded');
    const next = await client.post('/echo-json', { json: { ok: true } });
    expect([next.status, next.json()]).toEqual([200, { ok: true }]);
  });

  test('unbalanced deep nesting is a 400, not a crash', async () => {
    const r = await client.post('/depth', { content: '['.repeat(100_000) });
    expect([r.status, r.text]).toEqual([400, 'Invalid JSON body.']);
  });

  test('huge numbers parse to IEEE doubles: integers past 2^53 lose precision, overflow becomes Infinity', async () => {
    const big = await client.post('/number', { content: '{"n": 123456789012345678901234567890}' });
    expect(big.json()).toEqual({ isSafeInteger: false, isFinite: true, asString: '1.2345678901234568e+29' });
    const overflow = await client.post('/number', { content: '{"n": 1e400}' });
    expect(overflow.json()).toEqual({ isSafeInteger: false, isFinite: false, asString: 'Infinity' });
    const digits = await client.post('/number', { content: `{"n": ${'9'.repeat(100_000)}}` });
    expect(digits.json()).toEqual({ isSafeInteger: false, isFinite: false, asString: 'Infinity' });
  });

  test('echoing an overflowed number is refused as Starlette does (allow_nan=False): a 500, not "Infinity" on the wire', async () => {
    const r = await client.post('/echo-json', { content: '{"n": 1e400}' });
    expect([r.status, r.text]).toEqual([500, 'Internal Server Error']);
  });

  test('__proto__ and constructor keys in JSON stay own data keys and never reach a prototype', async () => {
    const r = await client.post('/json', {
      content: '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "a": 1}',
      headers: { 'content-type': 'application/json' },
    });
    expect([r.status, r.json()]).toEqual([
      200,
      { kind: 'object', ownKeys: ['__proto__', 'constructor', 'a'], prototypeIntact: true, mergedPrototypeIntact: true, globalPolluted: false },
    ]);
    const echoed = await client.post('/echo-json', { content: '{"__proto__": {"polluted": true}}' });
    expect(echoed.text).toBe('{"__proto__":{"polluted":true}}');
  });

  test('__proto__ and constructor as query, form and header names are plain keys', async () => {
    const q = await client.get('/inspect/x?__proto__=polluted&constructor=1&__proto__[polluted]=1', { headers: { 'x-odd': '__proto__' } });
    expect(q.json()).toEqual({
      path: '/inspect/x',
      name: 'x',
      query: [['__proto__', 'polluted'], ['constructor', '1'], ['__proto__[polluted]', '1']],
      proto: 'polluted',
      header: '__proto__',
      globalPolluted: false,
    });
    const f = await client.post('/form', { data: Object.fromEntries([['__proto__', 'x'], ['constructor', 'y']]) });
    expect(f.json()).toEqual({ fields: [['__proto__', 'x'], ['constructor', 'y']], globalPolluted: false });
    const multipart = await client.post('/form', { data: Object.fromEntries([['__proto__', 'x']]), files: { constructor: ['c.txt', 'data'] } });
    expect(multipart.json()).toEqual({ fields: [['__proto__', 'x'], ['constructor', 'file']], globalPolluted: false });
    const raw = await client.post('/form', {
      content: '__proto__=x&constructor=y&__proto__%5Bpolluted%5D=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(raw.json()).toEqual({ fields: [['__proto__', 'x'], ['constructor', 'y'], ['__proto__[polluted]', '1']], globalPolluted: false });
  });

  test('invalid UTF-8 in the path and query decodes to U+FFFD instead of failing', async () => {
    const r = await client.get('/inspect/%C3%28%FF?q=%FF%FE&%C0%AF=1');
    expect([r.status, r.json()]).toEqual([
      200,
      { path: '/inspect/\uFFFD(\uFFFD', name: '\uFFFD(\uFFFD', query: [['q', '\uFFFD\uFFFD'], ['\uFFFD\uFFFD', '1']], proto: null, header: null, globalPolluted: false },
    ]);
  });

  test('header values keep non-UTF-8 bytes as latin-1', async () => {
    const r = await client.get('/inspect/h', { headers: { 'x-odd': '\u00c3\u0028\u00ff' } });
    expect((r.json() as { header: string }).header).toBe('\u00c3(\u00ff');
  });

  test('an invalid UTF-8 body decodes to U+FFFD as text, and as JSON it is still parsed or refused cleanly', async () => {
    const bytes = Uint8Array.from([0x22, 0xc3, 0x28, 0xff, 0x22]);
    const text = await client.post('/text', { content: bytes });
    expect([text.status, text.text]).toEqual([200, '"\uFFFD(\uFFFD"']);
    const json = await client.post('/echo-json', { content: bytes });
    expect([json.status, json.text]).toEqual([200, '"\uFFFD(\uFFFD"']);
    const broken = await client.post('/json', { content: Uint8Array.from([0x7b, 0xff, 0xfe]) });
    expect([broken.status, broken.text]).toEqual([400, 'Invalid JSON body.']);
  });

  test('a JSON body sent with a wrong content type is read for what it is: json() parses, form() finds no fields', async () => {
    const asText = await client.post('/json', { content: '{"a": 1}', headers: { 'content-type': 'text/plain' } });
    expect(asText.json()).toEqual({ kind: 'object', ownKeys: ['a'], prototypeIntact: true, mergedPrototypeIntact: true, globalPolluted: false });
    const asForm = await client.post('/form', { content: '{"a": 1}', headers: { 'content-type': 'application/json' } });
    expect([asForm.status, asForm.json()]).toEqual([200, { fields: [], globalPolluted: false }]);
  });

  test('a form body with a broken multipart content type is a 400, not a 500', async () => {
    const noBoundary = await client.post('/form', { content: 'x', headers: { 'content-type': 'multipart/form-data' } });
    expect([noBoundary.status, noBoundary.text, noBoundary.headers.get('content-type')]).toEqual([400, 'Missing boundary in multipart.', 'text/plain; charset=utf-8']);
    const garbage = await client.post('/form', { content: '\0\0garbage--', headers: { 'content-type': 'multipart/form-data; boundary=abc' } });
    expect([garbage.status, garbage.text]).toEqual([400, 'Unexpected end of form.']);
  });
});
