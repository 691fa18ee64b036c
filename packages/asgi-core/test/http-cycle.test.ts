import { mkdtempSync, writeFileSync } from 'node:fs';
import { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { ACCEPTS_TEXT, type ASGIApp, type HTTPReceiveMessage, type MarkableSend, type Receive, type Send } from 'asgi-core';
import { latch, rawExchange, readBody, sendText, sleep, startServer, waitFor, type TestServer } from './helpers';

/** One server whose behaviour each test picks through `handler`. */
let handler: (receive: Receive, send: Send, path: string, method: string) => Promise<void>;
let server: TestServer;

beforeAll(async () => {
  server = await startServer(async (scope, receive, send) => {
    if (scope.type === 'http') await handler(receive, send, scope.path, scope.method);
  });
});
afterAll(() => server.close());
beforeEach(() => (server.logs.length = 0));

const start = (send: Send, headers: [string, string][] = []) => send({ type: 'http.response.start', status: 200, headers });

describe('request bodies', () => {
  test('a GET without a body yields one empty http.request with more_body false', async () => {
    let events: HTTPReceiveMessage[] = [];
    handler = async (receive, send) => {
      events = (await readBody(receive)).events;
      await sendText(send, 200, 'ok');
    };
    const res = await request(server.url);
    expect(await res.body.text()).toBe('ok');
    expect(events).toEqual([{ type: 'http.request', body: Buffer.alloc(0), more_body: false }]);
  });

  test('a streamed request body arrives in several chunks, the last with more_body false', async () => {
    let events: HTTPReceiveMessage[] = [];
    let total = '';
    handler = async (receive, send) => {
      const result = await readBody(receive);
      events = result.events;
      total = result.body.toString();
      await sendText(send, 200, `got ${result.body.length}`);
    };
    async function* parts() {
      for (let i = 0; i < 5; i++) {
        yield Buffer.from(`part${i};`);
        await sleep(30);
      }
    }
    const res = await request(server.url, { method: 'POST', body: Readable.from(parts()) });
    expect(await res.body.text()).toBe('got 30');
    expect(total).toBe('part0;part1;part2;part3;part4;');
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events.slice(0, -1).every((event) => event.type === 'http.request' && event.more_body)).toBe(true);
    expect(events[events.length - 1]).toMatchObject({ type: 'http.request', more_body: false });
  });

  test('a Content-Length body that came with the head is one http.request with more_body false', async () => {
    const seen: HTTPReceiveMessage[][] = [];
    handler = async (receive, send) => {
      seen.push((await readBody(receive)).events);
      await sendText(send, 200, 'ok');
    };
    // Two pipelined requests in one write: each reads exactly its own declared bytes.
    const one = 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\n{"a":1}';
    const two = 'POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello';
    const { text } = await rawExchange(server.port, one + two);
    expect(text.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
    expect(seen).toEqual([
      [{ type: 'http.request', body: Buffer.from('{"a":1}'), more_body: false }],
      [{ type: 'http.request', body: Buffer.from('hello'), more_body: false }],
    ]);
  });

  test('a body that came with the head is announced by node once, not also on a tick of its own', async () => {
    let events: HTTPReceiveMessage[] = [];
    handler = async (receive, send) => {
      events = (await readBody(receive)).events;
      await sendText(send, 200, 'ok');
    };
    // node announces the end of a body with one 'readable' event. Reading node's request while its buffer
    // is still empty makes it also announce the chunk, with a second event on a tick of its own: the
    // cycle reads only what is buffered.
    const readable: string[] = [];
    const original = IncomingMessage.prototype.emit;
    const emit = jest.spyOn(IncomingMessage.prototype, 'emit').mockImplementation(function (this: IncomingMessage, event, ...args) {
      if (event === 'readable') readable.push(this.url ?? '');
      return original.call(this, event, ...args);
    });
    try {
      const { text } = await rawExchange(server.port, 'POST /once HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\nConnection: close\r\n\r\n{"a":1}');
      expect(text).toMatch(/^HTTP\/1\.1 200 OK/);
    } finally {
      emit.mockRestore();
    }
    expect(events).toEqual([{ type: 'http.request', body: Buffer.from('{"a":1}'), more_body: false }]);
    expect(readable).toEqual(['/once']);
  });

  test('a Content-Length body split across packets ends with the declared byte, not before', async () => {
    let events: HTTPReceiveMessage[] = [];
    let body = '';
    handler = async (receive, send) => {
      const result = await readBody(receive);
      events = result.events;
      body = result.body.toString();
      await sendText(send, 200, 'ok');
    };
    const socket = connect(server.port, '127.0.0.1');
    const answer = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      socket.on('close', () => resolve(text));
    });
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nConnection: close\r\n\r\nfirst');
    await sleep(50);
    socket.write('-last');
    expect(await answer).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(body).toBe('first-last');
    expect(events.map((event) => event.type === 'http.request' && [event.body.toString(), event.more_body])).toEqual([
      ['first', true],
      ['-last', false],
    ]);
  });

  test('a slow-reading app applies backpressure: the server does not buffer the whole upload', async () => {
    const reading = latch();
    let bytesSentByClient = 0;
    let received = 0;
    handler = async (receive, send) => {
      await reading.promise;
      for (;;) {
        const event = await receive();
        if (event.type !== 'http.request') break;
        received += event.body.length;
        if (!event.more_body) break;
      }
      await sendText(send, 200, String(received));
    };
    const chunk = Buffer.alloc(64 * 1024, 1);
    const total = 32 * 1024 * 1024;
    const body = new Readable({
      read() {
        if (bytesSentByClient >= total) return this.push(null);
        bytesSentByClient += chunk.length;
        this.push(chunk);
      },
    });
    const pending = request(server.url, { method: 'POST', body, headers: { 'content-length': String(total) } });
    await sleep(500);
    // Socket buffers plus the request stream's high-water mark: a few MB at most, never the 32 MB body.
    expect(bytesSentByClient).toBeLessThan(8 * 1024 * 1024);
    reading.open();
    const res = await pending;
    expect(await res.body.text()).toBe(String(total));
    expect(received).toBe(total);
  });

  test('after the body, receive() waits until the response completes and then returns http.disconnect', async () => {
    const events: string[] = [];
    handler = async (receive, send) => {
      await readBody(receive);
      const waiting = receive().then((event) => events.push(`receive:${event.type}`));
      await sleep(50);
      events.push('sending');
      await sendText(send, 200, 'done');
      await waiting;
    };
    const res = await request(server.url);
    expect(await res.body.text()).toBe('done');
    await waitFor(() => events.length === 2);
    expect(events).toEqual(['sending', 'receive:http.disconnect']);
  });

  test('a client that disconnects mid-body delivers http.disconnect', async () => {
    const seen: string[] = [];
    const done = latch();
    handler = async (receive) => {
      for (;;) {
        const event = await receive();
        seen.push(event.type === 'http.request' ? `chunk:${event.more_body}` : event.type);
        if (event.type === 'http.disconnect') break;
      }
      done.open();
    };
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nhalf-of-the-body');
    await waitFor(() => seen.length > 0);
    socket.destroy();
    await done.promise;
    expect(seen[0]).toBe('chunk:true');
    expect(seen[seen.length - 1]).toBe('http.disconnect');
  });

  test('a pipelined request waiting behind a slow one gets http.disconnect when the connection drops', async () => {
    const events: string[] = [];
    const both = latch();
    handler = async (receive, _send, path) => {
      await receive();
      events.push(`${path}:${(await receive()).type}`);
      if (events.length === 2) both.open();
    };
    const socket = connect(server.port, '127.0.0.1');
    socket.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n');
    await sleep(100);
    socket.destroy();
    await both.promise;
    expect(events.sort()).toEqual(['/first:http.disconnect', '/second:http.disconnect']);
  });

  test('Expect: 100-continue is answered when the app first reads the body', async () => {
    handler = async (receive, send) => {
      await sleep(100);
      const { body } = await readBody(receive);
      await sendText(send, 200, body.toString());
    };
    const socket = connect(server.port, '127.0.0.1');
    const data: string[] = [];
    socket.on('data', (chunk) => data.push(chunk.toString()));
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n');
    await waitFor(() => data.join('').includes('100 Continue'));
    expect(data.join('')).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    socket.write('hello');
    await new Promise((resolve) => socket.on('close', resolve));
    expect(data.join('').endsWith('\r\n\r\nhello')).toBe(true);
  });
});

describe('responses', () => {
  test('a body sent in one message gets a content-length, not chunked encoding', async () => {
    handler = (_receive, send) => sendText(send, 201, 'hello');
    const { text } = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 201 Created\r\ncontent-type: text\/plain\r\ncontent-length: 5\r\n/);
    expect(text).not.toContain('Transfer-Encoding');
    expect(text.endsWith('\r\n\r\nhello')).toBe(true);
  });

  test.each([
    ['a small Buffer', 16, (bytes: Buffer) => bytes],
    ['a small Uint8Array view into a larger buffer', 300, (bytes: Buffer) => {
      const backing = new Uint8Array(bytes.length + 4);
      backing.set(bytes, 2);
      return backing.subarray(2, 2 + bytes.length);
    }],
    ['a body at the one-write limit', 1024, (bytes: Buffer) => bytes],
    ['a body over it', 1025, (bytes: Buffer) => bytes],
    ['a large body', 200_000, (bytes: Buffer) => bytes],
  ])('every byte of %s arrives unchanged, with its length', async (_name, size, wrap) => {
    // All 256 byte values, UTF-8 sequences and invalid ones alike.
    const bytes = Buffer.alloc(size, 0);
    for (let i = 0; i < size; i++) bytes[i] = (i * 7 + 3) % 256;
    handler = async (_receive, send) => {
      await start(send, [['content-type', 'application/octet-stream']]);
      await send({ type: 'http.response.body', body: wrap(bytes) });
    };
    const res = await request(server.url);
    expect(res.headers['content-length']).toBe(String(size));
    expect(Buffer.from(await res.body.arrayBuffer()).equals(bytes)).toBe(true);
  });

  test('a streamed body without content-length is sent chunked, chunk by chunk', async () => {
    handler = async (_receive, send) => {
      await start(send, [['content-type', 'text/plain']]);
      for (const part of ['a', 'bb', 'ccc']) {
        await send({ type: 'http.response.body', body: Buffer.from(part), more_body: true });
        await sleep(10);
      }
      await send({ type: 'http.response.body', body: Buffer.alloc(0), more_body: false });
    };
    const { text } = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(text).toContain('Transfer-Encoding: chunked\r\n');
    expect(text.endsWith('\r\n\r\n1\r\na\r\n2\r\nbb\r\n3\r\nccc\r\n0\r\n\r\n')).toBe(true);
  });

  test('a streamed body with content-length is sent as is', async () => {
    handler = async (_receive, send) => {
      await start(send, [['content-length', '6']]);
      await send({ type: 'http.response.body', body: Buffer.from('abc'), more_body: true });
      await send({ type: 'http.response.body', body: Buffer.from('def') });
    };
    const { text } = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(text).toContain('content-length: 6\r\n');
    expect(text).not.toContain('chunked');
    expect(text.endsWith('\r\n\r\nabcdef')).toBe(true);
  });

  test('undici receives a streamed response as it is produced', async () => {
    handler = async (_receive, send) => {
      await start(send);
      for (let i = 0; i < 3; i++) {
        await send({ type: 'http.response.body', body: Buffer.from(`event ${i}\n`), more_body: true });
        await sleep(20);
      }
      await send({ type: 'http.response.body' });
    };
    const res = await request(server.url);
    const arrivals: string[] = [];
    for await (const chunk of res.body) arrivals.push(chunk.toString());
    expect(arrivals.join('')).toBe('event 0\nevent 1\nevent 2\n');
    expect(arrivals.length).toBeGreaterThanOrEqual(2);
  });

  test('HEAD responses keep the headers and write no body', async () => {
    handler = async (_receive, send, _path, method) => {
      expect(method).toBe('HEAD');
      await start(send, [['content-length', '11'], ['content-type', 'text/plain']]);
      await send({ type: 'http.response.body', body: Buffer.from('hello world') });
    };
    const { text } = await rawExchange(server.port, 'HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\ncontent-length: 11\r\ncontent-type: text\/plain\r\n/);
    expect(text.endsWith('\r\n\r\n')).toBe(true);
  });

  test('send() applies backpressure: a client that does not read holds the app back', async () => {
    let sent = 0;
    const stop = latch();
    handler = async (_receive, send) => {
      await start(send);
      const chunk = Buffer.alloc(256 * 1024, 97);
      try {
        while (sent < 64 * 1024 * 1024) {
          await send({ type: 'http.response.body', body: chunk, more_body: true });
          sent += chunk.length;
        }
      } catch {
        // the client went away
      }
      stop.open();
    };
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    socket.pause();
    await sleep(500);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(16 * 1024 * 1024);
    socket.destroy();
    await stop.promise;
  });

  test('a client that disconnects mid-response makes send() throw ClientDisconnectedError and receive() return http.disconnect', async () => {
    const outcome = latch();
    let error: unknown = null;
    let event = '';
    handler = async (receive, send) => {
      await start(send);
      await send({ type: 'http.response.body', body: Buffer.from('first'), more_body: true });
      await readBody(receive);
      event = (await receive()).type;
      try {
        await send({ type: 'http.response.body', body: Buffer.from('second'), more_body: true });
      } catch (caught) {
        error = caught;
      }
      outcome.open();
    };
    const socket = connect(server.port, '127.0.0.1');
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => socket.once('data', resolve));
    socket.destroy();
    await outcome.promise;
    expect(event).toBe('http.disconnect');
    expect(error).toMatchObject({ name: 'ClientDisconnectedError', code: 'CLIENT_DISCONNECTED' });
    await sleep(20);
    expect(server.logs.filter((line) => line.startsWith('ERROR'))).toEqual([]);
  });

  test('trailers are sent after a chunked body when the app announced them', async () => {
    handler = async (_receive, send) => {
      await send({ type: 'http.response.start', status: 200, headers: [['trailer', 'x-checksum']], trailers: true });
      await send({ type: 'http.response.body', body: Buffer.from('data'), more_body: false });
      await send({ type: 'http.response.trailers', headers: [['x-checksum', 'abc123']], more_trailers: false });
    };
    const { text } = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nTE: trailers\r\nConnection: close\r\n\r\n');
    expect(text).toContain('Transfer-Encoding: chunked');
    expect(text.endsWith('\r\n\r\n4\r\ndata\r\n0\r\nx-checksum: abc123\r\n\r\n')).toBe(true);
  });

  test('http.response.pathsend streams a file with its length', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asgi-core-'));
    const file = join(dir, 'file.txt');
    writeFileSync(file, 'file contents\n');
    handler = async (_receive, send) => {
      await start(send, [['content-type', 'text/plain']]);
      await send({ type: 'http.response.pathsend', path: file });
    };
    const res = await request(server.url);
    expect(res.headers['content-length']).toBe('14');
    expect(await res.body.text()).toBe('file contents\n');
  });
});

describe('http.response.text (asgi-core extension)', () => {
  test('the server\'s send carries the mark; the text goes out UTF-8 encoded with its byte length', async () => {
    let marked: unknown;
    const text = '{"name":"caf\u00e9 \u2615 \ud83d\ude00"}';
    handler = async (_receive, send) => {
      marked = (send as MarkableSend)[ACCEPTS_TEXT];
      await start(send, [['content-type', 'application/json']]);
      await send({ type: 'http.response.text', text });
    };
    const res = await request(server.url);
    expect(marked).toBe(true);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(text)));
    expect(Buffer.from(await res.body.arrayBuffer()).equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  test('it completes the response: the connection serves the next request, and a later message is refused', async () => {
    let late: Error | null = null;
    handler = async (_receive, send, path) => {
      await start(send, [['content-type', 'text/plain']]);
      await send({ type: 'http.response.text', text: path });
      late = await send({ type: 'http.response.body' }).then(() => null, (error: Error) => error);
    };
    const { text } = await rawExchange(
      server.port,
      'GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(text).toMatch(/content-length: 6\r\n[^]*\r\n\r\n\/first[^]*content-length: 7\r\n[^]*\r\n\r\n\/second$/);
    expect(late!.name).toBe('ResponseAlreadyCompletedError');
  });

  test('HEAD keeps the headers and writes no body, as with bytes', async () => {
    handler = async (_receive, send) => {
      await start(send, [['content-length', '6'], ['content-type', 'text/plain']]);
      await send({ type: 'http.response.text', text: 'h\u00e9llo' });
    };
    const { text } = await rawExchange(server.port, 'HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\ncontent-length: 6\r\ncontent-type: text\/plain\r\n/);
    expect(text.endsWith('\r\n\r\n')).toBe(true);
  });

  test('with a status it is the whole response in one message: status, headers, then the text with its byte length', async () => {
    handler = async (_receive, send, path) => {
      await send({ type: 'http.response.text', status: 201, headers: [['Content-Type', 'application/json'], ['x-a', '1']], text: `{"p":"${path}\u00e9"}` });
    };
    const { text } = await rawExchange(
      server.port,
      'POST /first HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nabGET /second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    const responses = text.split(/(?=HTTP\/1\.1 )/);
    expect(responses).toHaveLength(2);
    expect(responses[0]).toMatch(/^HTTP\/1\.1 201 Created\r\ncontent-type: application\/json\r\nx-a: 1\r\ncontent-length: 16\r\n[^]*\r\n\r\n\{"p":"\/first\u00c3\u00a9"\}$/);
    expect(responses[1]).toMatch(/\r\ncontent-length: 17\r\n[^]*\r\n\r\n\{"p":"\/second\u00c3\u00a9"\}$/);
  });

  test('as the whole response, HEAD writes the headers only and a bodiless status no body', async () => {
    handler = async (_receive, send, path) => {
      await send({ type: 'http.response.text', status: path === '/empty' ? 204 : 200, headers: [['content-type', 'text/plain']], text: path === '/empty' ? '' : 'h\u00e9llo' });
    };
    const head = await rawExchange(server.port, 'HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(head.text).toMatch(/^HTTP\/1\.1 200 OK\r\ncontent-type: text\/plain\r\n/);
    expect(head.text.endsWith('\r\n\r\n')).toBe(true);
    const empty = await rawExchange(server.port, 'GET /empty HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(empty.text).toMatch(/^HTTP\/1\.1 204 No Content\r\n/);
    expect(empty.text).not.toMatch(/content-length/i);
    expect(empty.text.endsWith('\r\n\r\n')).toBe(true);
  });

  test('an invalid whole-response message starts nothing: the app can still answer', async () => {
    const errors: string[] = [];
    handler = async (_receive, send) => {
      for (const bad of [{ status: 99, text: 'x' }, { status: 200, text: Buffer.from('x') }, { status: 200, headers: [['content-length', 'x']], text: 'x' }]) {
        await send({ type: 'http.response.text', ...bad } as never).catch((error: Error) => errors.push(error.name));
      }
      await send({ type: 'http.response.text', status: 200, text: 'fine' });
    };
    const res = await request(server.url);
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('fine');
    expect(errors).toEqual(['InvalidMessageError', 'InvalidMessageError', 'InvalidHeaderError']);
  });

  test('after streamed bytes, it ends the body; with trailers announced, the trailers follow', async () => {
    handler = async (_receive, send, path) => {
      await send({ type: 'http.response.start', status: 200, headers: [['content-type', 'text/plain']], trailers: path === '/trailers' });
      await send({ type: 'http.response.body', body: Buffer.from('ab'), more_body: true });
      await send({ type: 'http.response.text', text: 'c\u00e9' });
      if (path === '/trailers') await send({ type: 'http.response.trailers', headers: [['x-sum', '1']] });
    };
    const plain = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(plain.text.endsWith('\r\n\r\n2\r\nab\r\n3\r\nc\u00c3\u00a9\r\n0\r\n\r\n')).toBe(true);
    const trailed = await rawExchange(server.port, 'GET /trailers HTTP/1.1\r\nHost: x\r\nTE: trailers\r\nConnection: close\r\n\r\n');
    expect(trailed.text.endsWith('\r\n\r\n2\r\nab\r\n3\r\nc\u00c3\u00a9\r\n0\r\nx-sum: 1\r\n\r\n')).toBe(true);
  });
});

describe('application errors and protocol violations', () => {
  const errorLines = () => server.logs.filter((line) => line.startsWith('ERROR'));

  test('an app that throws before starting the response gets a 500 Internal Server Error, logged once with its stack', async () => {
    handler = async () => {
      throw new Error('boom');
    };
    const res = await request(server.url);
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers.connection).toBe('close');
    expect(await res.body.text()).toBe('Internal Server Error');
    expect(errorLines()).toHaveLength(1);
    expect(errorLines()[0]).toMatch(/^ERROR: {4}Exception in ASGI application\nError: boom\n {4}at /);
  });

  test('an app that throws after starting the response has its connection closed', async () => {
    handler = async (_receive, send) => {
      await start(send);
      await send({ type: 'http.response.body', body: Buffer.from('partial'), more_body: true });
      throw new Error('late failure');
    };
    const { text, closed } = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(closed).toBe(true);
    expect(text).toContain('7\r\npartial\r\n');
    expect(text).not.toContain('0\r\n\r\n');
    expect(errorLines()).toHaveLength(1);
  });

  test('an app that returns without starting a response gets a 500', async () => {
    handler = async () => {};
    const res = await request(server.url);
    expect(res.statusCode).toBe(500);
    expect(await res.body.text()).toBe('Internal Server Error');
    expect(server.logs).toContain('ERROR:    ASGI callable returned without starting response.');
  });

  test('an app that returns mid-response has the chunked response ended', async () => {
    handler = async (_receive, send) => {
      await start(send);
      await send({ type: 'http.response.body', body: Buffer.from('abc'), more_body: true });
    };
    const res = await request(server.url);
    expect(await res.body.text()).toBe('abc');
    expect(server.logs).toContain('ERROR:    ASGI callable returned without completing response.');
  });

  test.each([
    ['start twice', [{ type: 'http.response.start', status: 200 }, { type: 'http.response.start', status: 200 }], 'ResponseAlreadyStartedError', 'Response already started: cannot send http.response.start twice'],
    ['body before start', [{ type: 'http.response.body', body: Buffer.from('x') }], 'ResponseNotStartedError', "Response not started: expected 'http.response.start' before 'http.response.body'. Send the status and headers first."],
    ['an unknown message type', [{ type: 'http.response.start', status: 200 }, { type: 'http.response.bogus' }], 'UnexpectedMessageError', "Unexpected ASGI message type 'http.response.bogus': expected 'http.response.body', 'http.response.text', 'http.response.trailers' or 'http.response.pathsend'."],
    ['a message after completion', [{ type: 'http.response.start', status: 200 }, { type: 'http.response.body' }, { type: 'http.response.body' }], 'ResponseAlreadyCompletedError', "Unexpected ASGI message 'http.response.body' sent after the response already completed."],
    ['a status out of range', [{ type: 'http.response.start', status: 99 }], 'InvalidMessageError', "Invalid HTTP status code '99' in http.response.start: expected an integer from 100 to 599."],
    ['a string body', [{ type: 'http.response.start', status: 200 }, { type: 'http.response.body', body: 'text' }], 'InvalidMessageError', "http.response.body 'body' must be a Uint8Array (a Buffer), got string."],
    ['more bytes than content-length', [{ type: 'http.response.start', status: 200, headers: [['content-length', '2']] }, { type: 'http.response.body', body: Buffer.from('abc') }], 'ContentTooLongError', 'Response content longer than Content-Length (2 bytes declared).'],
    ['fewer bytes than content-length', [{ type: 'http.response.start', status: 200, headers: [['content-length', '5']] }, { type: 'http.response.body', body: Buffer.from('abc') }], 'ContentTooShortError', 'Response content shorter than Content-Length (5 bytes declared, 2 missing).'],
    ['an invalid header name', [{ type: 'http.response.start', status: 200, headers: [['bad header', 'x']] }, { type: 'http.response.body' }], 'InvalidHeaderError', null],
    ['http.response.text before start', [{ type: 'http.response.text', text: 'x' }], 'ResponseNotStartedError', "Response not started: expected 'http.response.start' before 'http.response.text'. Send the status and headers first."],
    ['an invalid header name in a whole-response http.response.text', [{ type: 'http.response.text', status: 200, headers: [['bad header', 'x']], text: 'x' }], 'InvalidHeaderError', null],
    ['an http.response.text with a status after start', [{ type: 'http.response.start', status: 200 }, { type: 'http.response.text', status: 200, text: 'x' }], 'ResponseAlreadyStartedError', 'Response already started: cannot send http.response.start twice'],
    ['an http.response.text with a status after completion', [{ type: 'http.response.text', status: 200, text: 'x' }, { type: 'http.response.text', status: 200, text: 'y' }], 'ResponseAlreadyCompletedError', "Unexpected ASGI message 'http.response.text' sent after the response already completed."],
    ['an http.response.text that is not a string', [{ type: 'http.response.start', status: 200 }, { type: 'http.response.text', text: Buffer.from('x') }], 'InvalidMessageError', "http.response.text 'text' must be a string, got object."],
    ['more UTF-8 bytes of text than content-length', [{ type: 'http.response.start', status: 200, headers: [['content-length', '2']] }, { type: 'http.response.text', text: '\u00e9\u00e9' }], 'ContentTooLongError', 'Response content longer than Content-Length (2 bytes declared).'],
    ['fewer bytes of text than content-length', [{ type: 'http.response.start', status: 200, headers: [['content-length', '5']] }, { type: 'http.response.text', text: '\u00e9' }], 'ContentTooShortError', 'Response content shorter than Content-Length (5 bytes declared, 3 missing).'],
  ])('%s raises a named error from send()', async (_name, messages, errorName, message) => {
    let error: (Error & { code?: string }) | null = null;
    handler = async (_receive, send) => {
      try {
        for (const m of messages) await send(m as never);
      } catch (caught) {
        error = caught as Error;
        throw caught;
      }
    };
    const res = await request(server.url).catch(() => null);
    if (res) await res.body.text().catch(() => '');
    expect(error).not.toBeNull();
    expect(error!.name).toBe(errorName);
    expect(typeof error!.code).toBe('string');
    if (message !== null) expect(error!.message).toBe(message);
    expect(errorLines()).toHaveLength(1);
  });

  test('a refused start leaves no header or framing behind for the next start', async () => {
    let refused: Error | null = null;
    handler = async (_receive, send) => {
      const bad = [['x-left', 'behind'], ['transfer-encoding', 'chunked'], ['content-length', '1'], ['content-length', 'x']] as [string, string][];
      refused = await send({ type: 'http.response.start', status: 200, headers: bad }).then(() => null, (error: Error) => error);
      await send({ type: 'http.response.start', status: 200, headers: [['x-kept', '1']] });
      await send({ type: 'http.response.body', body: Buffer.from('abc') });
    };
    const { text } = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(refused!.name).toBe('InvalidHeaderError');
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\nx-kept: 1\r\ncontent-length: 3\r\n[^]*\r\n\r\nabc$/);
    expect(text).not.toContain('x-left');
  });

  test('latin-1 header values and duplicate headers are written as given', async () => {
    handler = async (_receive, send) => {
      await send({ type: 'http.response.start', status: 200, headers: [['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['x-latin', 'caf\u00e9']] });
      await send({ type: 'http.response.body', body: Buffer.from('ok') });
    };
    const { text } = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(text).toContain('set-cookie: a=1\r\nset-cookie: b=2\r\nx-latin: caf\u00e9\r\n');
  });
});

describe('apps as plain functions', () => {
  test('an app is any (scope, receive, send) function', async () => {
    const app: ASGIApp = async (scope, _receive, send) => {
      if (scope.type === 'http') await sendText(send, 200, 'plain');
    };
    const other = await startServer(app);
    try {
      const res = await request(other.url);
      expect(await res.body.text()).toBe('plain');
    } finally {
      await other.close();
    }
  });

  test('an app that throws before returning a promise gets the same 500, logged once, and leaves nothing in flight', async () => {
    const plain = await startServer(() => {
      throw new Error('sync boom');
    });
    try {
      const res = await request(plain.url);
      expect(res.statusCode).toBe(500);
      expect(await res.body.text()).toBe('Internal Server Error');
      const errors = plain.logs.filter((line) => line.startsWith('ERROR'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^ERROR: {4}Exception in ASGI application\nError: sync boom\n {4}at /);
      expect(plain.server.inFlight).toBe(0);
    } finally {
      await plain.close();
    }
  });

  test('an app that returns nothing (not a promise) after sending its response is served', async () => {
    const plain = await startServer(((_scope: unknown, _receive: Receive, send: Send) => {
      void send({ type: 'http.response.start', status: 200, headers: [['content-type', 'text/plain']] });
      void send({ type: 'http.response.body', body: Buffer.from('done') });
    }) as unknown as ASGIApp);
    try {
      const res = await request(plain.url);
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe('done');
      expect(plain.logs.filter((line) => line.startsWith('ERROR'))).toEqual([]);
      await waitFor(() => plain.server.inFlight === 0);
    } finally {
      await plain.close();
    }
  });
});
