import {
  BackgroundTask,
  HTMLResponse,
  JSONRenderError,
  JSONResponse,
  PlainTextResponse,
  RedirectResponse,
  Request,
  Response,
  StreamingResponse,
  TestClient,
  CookieError,
} from '../src';
import type { Receive, Scope, Send, SendMessage } from 'asgi-core';

const client = (response: Response) => new TestClient(response);

async function messages(response: Response, method = 'GET'): Promise<SendMessage[]> {
  const sent: SendMessage[] = [];
  const scope = {
    type: 'http', asgi: { version: '3.0', spec_version: '2.4' }, http_version: '1.1', method, scheme: 'http',
    path: '/', raw_path: '/', query_string: '', root_path: '', headers: [], client: null, server: null,
  } as Scope;
  await response(scope, async () => ({ type: 'http.disconnect' }), async (m) => void sent.push(m));
  return sent;
}

describe('Response', () => {
  test('is an ASGI app: start then body, with computed headers', async () => {
    const sent = await messages(new Response('hello', { mediaType: 'text/plain' }));
    expect(sent).toEqual([
      { type: 'http.response.start', status: 200, headers: [['content-length', '5'], ['content-type', 'text/plain; charset=utf-8']] },
      { type: 'http.response.body', body: new TextEncoder().encode('hello') },
    ]);
  });

  test('given headers come first; given content-type and content-length win', async () => {
    const r = new Response('abc', { headers: { 'X-Custom': '1', 'Content-Type': 'text/csv' }, mediaType: 'text/plain' });
    expect(r.rawHeaders).toEqual([['x-custom', '1'], ['content-type', 'text/csv'], ['content-length', '3']]);
    const fixed = new Response('abc', { headers: [['content-length', '3']] });
    expect(fixed.rawHeaders).toEqual([['content-length', '3']]);
  });

  test('charset is not added twice nor to non-text types', () => {
    expect(new Response('', { mediaType: 'text/html; charset=latin-1' }).headers.get('content-type')).toBe('text/html; charset=latin-1');
    expect(new Response('', { mediaType: 'application/xml' }).headers.get('content-type')).toBe('application/xml');
    expect(new Response('').headers.get('content-type')).toBeUndefined();
  });

  test('byte bodies are sent as is; content-length counts bytes, not characters', async () => {
    expect(new Response(new Uint8Array([1, 2, 3])).body).toEqual(new Uint8Array([1, 2, 3]));
    expect(new PlainTextResponse('héllo').headers.get('content-length')).toBe('6');
    expect(() => new Response({ a: 1 })).toThrow('Response content must be a string or bytes, got object; use JSONResponse for objects');
  });

  test.each([204, 304, 101])('status %i has no content-length and no body', async (status) => {
    const r = new Response('ignored', { status });
    expect(r.headers.has('content-length')).toBe(false);
    const sent = await messages(r);
    expect(sent[1]).toEqual({ type: 'http.response.body', body: new Uint8Array(0) });
  });

  test('HEAD requests get the headers but no body', async () => {
    const sent = await messages(new PlainTextResponse('hello'), 'HEAD');
    expect(sent[0]).toMatchObject({ status: 200, headers: [['content-length', '5'], ['content-type', 'text/plain; charset=utf-8']] });
    expect(sent[1]).toEqual({ type: 'http.response.body', body: new Uint8Array(0) });
  });

  test('headers are mutable in place', () => {
    const r = new PlainTextResponse('x');
    r.headers.set('X-A', '1');
    r.headers.append('x-a', '2');
    r.headers.set('content-type', 'text/markdown');
    expect(r.rawHeaders).toEqual([['content-length', '1'], ['content-type', 'text/markdown'], ['x-a', '1'], ['x-a', '2']]);
  });

  test('HTMLResponse and PlainTextResponse set their media types', async () => {
    const r = await client(new HTMLResponse('<h1>Hi</h1>', { status: 201 })).get('/');
    expect([r.status, r.headers.get('content-type'), r.text]).toEqual([201, 'text/html; charset=utf-8', '<h1>Hi</h1>']);
  });
});

describe('cookies', () => {
  test('setCookie formats every attribute as Starlette (sorted, Python http.cookies)', () => {
    const r = new Response('');
    r.setCookie('mycookie', 'myvalue', {
      maxAge: 10, expires: new Date(Date.UTC(2037, 0, 22, 12, 0, 10)), path: '/', domain: 'localhost',
      secure: true, httponly: true, samesite: 'none', partitioned: true,
    });
    expect(r.headers.get('set-cookie')).toBe(
      'mycookie=myvalue; Domain=localhost; expires=Thu, 22 Jan 2037 12:00:10 GMT; HttpOnly; Max-Age=10; Partitioned; Path=/; SameSite=none; Secure',
    );
  });

  test('defaults are Path=/ and SameSite=lax; several cookies are several headers', () => {
    const r = new Response('');
    r.setCookie('a', '1');
    r.setCookie('b', '2', { path: '/admin', samesite: null });
    expect(r.headers.getlist('set-cookie')).toEqual(['a=1; Path=/; SameSite=lax', 'b=2; Path=/admin']);
  });

  test('values outside the legal set are quoted with escapes', () => {
    const r = new Response('');
    r.setCookie('q', 'hello world; "x"\\\n');
    expect(r.headers.get('set-cookie')).toBe('q="hello world\\073 \\"x\\"\\\\\\012"; Path=/; SameSite=lax');
  });

  test('expires given in seconds is relative to now', () => {
    const r = new Response('');
    const before = Date.now();
    r.setCookie('t', 'v', { expires: 3600 });
    const when = Date.parse(/expires=([^;]+)/.exec(r.headers.get('set-cookie') as string)![1]);
    expect(Math.abs(when - (before + 3600_000))).toBeLessThan(2000);
  });

  test('deleteCookie expires it now with an empty quoted value', () => {
    const r = new Response('');
    r.deleteCookie('session', { path: '/app', httponly: true });
    expect(r.headers.get('set-cookie')).toMatch(/^session=""; expires=\w{3}, \d{2} \w{3} \d{4} [\d:]{8} GMT; HttpOnly; Max-Age=0; Path=\/app; SameSite=lax$/);
  });

  test('bad names and samesite values are rejected', () => {
    const r = new Response('');
    expect(() => r.setCookie('bad name', 'v')).toThrow(CookieError);
    expect(() => r.setCookie('', 'v')).toThrow('Illegal cookie key ""');
    expect(() => r.setCookie('ok', 'v', { samesite: 'sometimes' as 'lax' })).toThrow("samesite must be either 'strict', 'lax' or 'none'");
  });

  test('cookies reach the client jar through TestClient', async () => {
    const r = new PlainTextResponse('ok');
    r.setCookie('k', 'v');
    const c = client(r);
    await c.get('/');
    expect(c.cookies).toEqual({ k: 'v' });
  });
});

describe('JSONResponse', () => {
  test('renders compact JSON and keeps non-ASCII characters', async () => {
    const r = await client(new JSONResponse({ a: [1, 2, { b: null }], name: 'ünïcødé ✓' })).get('/');
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.text).toBe('{"a":[1,2,{"b":null}],"name":"ünïcødé ✓"}');
    expect(r.headers.get('content-length')).toBe(String(Buffer.byteLength(r.text)));
  });

  test('undefined and null content render as null', () => {
    expect(Buffer.from(new JSONResponse(undefined).body).toString()).toBe('null');
    expect(Buffer.from(new JSONResponse(null).body).toString()).toBe('null');
  });

  test('NaN and Infinity are rejected, as allow_nan=False', () => {
    expect(() => new JSONResponse({ x: Number.NaN })).toThrow(JSONRenderError);
    expect(() => new JSONResponse([1, Infinity])).toThrow('Out of range float values are not JSON compliant: Infinity');
    expect(() => new JSONResponse({ deep: { x: -Infinity } })).toThrow(JSONRenderError);
  });

  test('values JSON cannot represent fail with a clear error', () => {
    expect(() => new JSONResponse({ n: 10n })).toThrow('Value is not JSON serializable');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => new JSONResponse(cyclic)).toThrow(JSONRenderError);
  });
});

describe('RedirectResponse', () => {
  test('defaults to 307 with an empty body', async () => {
    const r = await new TestClient(new RedirectResponse('/target'), { followRedirects: false }).get('/');
    expect(r.status).toBe(307);
    expect(r.headers.get('location')).toBe('/target');
    expect(r.headers.get('content-length')).toBe('0');
    expect(r.text).toBe('');
  });

  test('quotes the location like Starlette', () => {
    expect(new RedirectResponse('/über uns?q=a b&x=ü#frag').headers.get('location')).toBe('/%C3%BCber%20uns?q=a%20b&x=%C3%BC#frag');
    expect(new RedirectResponse("https://ex.com/a;b=c,d!$&'()*+@[]:%20").headers.get('location')).toBe(
      "https://ex.com/a;b=c,d!$&'()*+@[]:%20",
    );
  });

  test('accepts a status and headers', () => {
    const r = new RedirectResponse('/x', { status: 301, headers: { 'x-a': '1' } });
    expect(r.statusCode).toBe(301);
    expect(r.rawHeaders).toEqual([['x-a', '1'], ['content-length', '0'], ['location', '/x']]);
  });
});

describe('StreamingResponse', () => {
  test('streams an async generator of strings and bytes, without content-length', async () => {
    async function* numbers() {
      for (let i = 1; i <= 3; i++) yield `${i}, `;
      yield new TextEncoder().encode('end');
    }
    const r = await client(new StreamingResponse(numbers(), { mediaType: 'text/plain' })).get('/');
    expect(r.text).toBe('1, 2, 3, end');
    expect(r.headers.has('content-length')).toBe(false);
    expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  });

  test('streams a sync iterable', async () => {
    const r = await client(new StreamingResponse(['a', 'b', 'c'])).get('/');
    expect(r.text).toBe('abc');
  });

  test('sends every chunk as more_body then an empty final chunk', async () => {
    const sent = await (async () => {
      const out: SendMessage[] = [];
      const scope = { type: 'http', method: 'GET', headers: [], path: '/' } as unknown as Scope;
      let calls = 0;
      const receive: Receive = () => (calls++ === 0 ? Promise.resolve({ type: 'http.request', body: new Uint8Array(), more_body: false }) : new Promise(() => {}));
      await new StreamingResponse(['x', 'y'])(scope, receive, async (m) => void out.push(m));
      return out;
    })();
    expect(sent.map((m) => [m.type, 'body' in m ? Buffer.from(m.body as Uint8Array).toString() : '', (m as { more_body?: boolean }).more_body])).toEqual([
      ['http.response.start', '', undefined],
      ['http.response.body', 'x', true],
      ['http.response.body', 'y', true],
      ['http.response.body', '', false],
    ]);
  });

  test('stops the generator and runs its finally when the client disconnects', async () => {
    let cleaned = false;
    let produced = 0;
    async function* forever() {
      try {
        while (true) {
          produced++;
          yield 'tick\n';
          await new Promise((r) => setTimeout(r, 5));
        }
      } finally {
        cleaned = true;
      }
    }
    let disconnect!: () => void;
    const gone = new Promise<void>((r) => (disconnect = r));
    const receive: Receive = async () => {
      await gone;
      return { type: 'http.disconnect' };
    };
    const sent: SendMessage[] = [];
    const send: Send = async (m) => {
      sent.push(m);
      if (sent.length === 4) disconnect();
    };
    const scope = { type: 'http', method: 'GET', headers: [], path: '/' } as unknown as Scope;
    await new StreamingResponse(forever())(scope, receive, send);
    await new Promise((r) => setTimeout(r, 20));
    expect(cleaned).toBe(true);
    expect(produced).toBeLessThan(6);
    expect(sent.filter((m) => m.type === 'http.response.body' && m.more_body === false)).toEqual([]);
  });

  test('an error in the iterator propagates after the response started', async () => {
    async function* broken() {
      yield 'partial';
      throw new Error('generator failed');
    }
    await expect(client(new StreamingResponse(broken())).get('/')).rejects.toThrow('generator failed');
  });

  test('rejects content that is not iterable, and chunks that are not strings or bytes', async () => {
    await expect(client(new StreamingResponse(42 as never)).get('/')).rejects.toThrow('StreamingResponse content must be an async iterable');
    await expect(client(new StreamingResponse([{}] as never)).get('/')).rejects.toThrow('StreamingResponse chunks must be strings or bytes, got object');
  });

  test('the iterator can read the request body while the response streams', async () => {
    const chunks = ['first ', 'second ', 'third'];
    let step = 0;
    const receive: Receive = async () => {
      await new Promise((r) => setTimeout(r, 2));
      if (step < chunks.length) {
        const body = Buffer.from(chunks[step]);
        step++;
        return { type: 'http.request', body, more_body: step < chunks.length };
      }
      return new Promise(() => {}); // the client stays connected
    };
    const scope = { type: 'http', method: 'POST', headers: [], path: '/' } as unknown as Scope;
    const request = new Request(scope, receive);
    async function* echo() {
      for await (const chunk of request.stream()) if (chunk.byteLength > 0) yield Buffer.from(chunk).toString().toUpperCase();
    }
    const sent: SendMessage[] = [];
    await new StreamingResponse(echo())(scope, receive, async (m) => void sent.push(m));
    const body = sent.filter((m) => m.type === 'http.response.body').map((m) => Buffer.from((m as { body: Uint8Array }).body).toString()).join('');
    expect(body).toBe('FIRST SECOND THIRD');
  });

  test('an unread upload is not pulled without bound while the response streams', async () => {
    let pulls = 0;
    const receive: Receive = async () => {
      pulls++;
      return { type: 'http.request', body: Buffer.alloc(64 * 1024), more_body: true };
    };
    async function* slow() {
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 5));
        yield 'x';
      }
    }
    const scope = { type: 'http', method: 'POST', headers: [], path: '/' } as unknown as Scope;
    await new StreamingResponse(slow())(scope, receive, async () => {});
    // 1 MiB of buffered chunks (16 x 64 KiB), then the channel stops asking the server.
    expect(pulls).toBe(16);
  });

  test('HEAD does not run the iterator', async () => {
    let started = false;
    async function* gen() {
      started = true;
      yield 'x';
    }
    const r = await client(new StreamingResponse(gen())).head('/');
    expect([r.status, r.text, started]).toEqual([200, '', false]);
  });
});

describe('background', () => {
  test('runs after the body was sent', async () => {
    const order: string[] = [];
    const response = new PlainTextResponse('done', { background: new BackgroundTask((x: string) => void order.push(`task ${x}`), 'a') });
    const scope = { type: 'http', method: 'GET', headers: [], path: '/' } as unknown as Scope;
    await response(scope, async () => ({ type: 'http.disconnect' }), async (m) => void order.push(m.type));
    expect(order).toEqual(['http.response.start', 'http.response.body', 'task a']);
  });
});
