// Hostile raw HTTP over real sockets: each probe gets its exact 4xx, never reaches the app, and the server keeps serving.
import { connect } from 'node:net';
import type { HTTPScope } from 'asgi-core';
import { rawExchange, readBody, sendText, sleep, startServer, type TestServer } from './helpers';

const BAD_REQUEST =
  'HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 30\r\nconnection: close\r\n\r\nInvalid HTTP request received.';
const TOO_LARGE =
  'HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 32\r\nconnection: close\r\n\r\nRequest header fields too large.';
const TIMEOUT =
  'HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 16\r\nconnection: close\r\n\r\nRequest timeout.';

const headerLines = (count: number) => Array.from({ length: count }, (_, i) => `X-H${i}: v\r\n`).join('');

/** Probes node's parser must reject with 400 (RFC 9112 §2.2, §3, §5, §6.1, §6.3, §7.1). */
const REJECTED_400: [string, string | Buffer][] = [
  ['a request line ended by a bare LF', 'GET / HTTP/1.1\nHost: x\n\n'],
  ['HTTP/1.2', 'GET / HTTP/1.1.1\r\nHost: x\r\n\r\n'],
  ['a version with an unknown minor digit', 'GET / HTTP/1.2\r\nHost: x\r\n\r\n'],
  ['HTTP/9.9', 'GET / HTTP/9.9\r\nHost: x\r\n\r\n'],
  ['a lower-case protocol name', 'GET / http/1.1\r\nHost: x\r\n\r\n'],
  ['a missing version after the target', 'GET / \r\nHost: x\r\n\r\n'],
  ['a space inside the request target', 'GET /a b HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['a method with a delimiter', 'G(T / HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['an unknown method token', 'FOO / HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['binary garbage', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03, 0x0d, 0x0a, 0x0d, 0x0a])],
  ['a NUL byte in a header value', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n'],
  ['a NUL byte in a header name', 'GET / HTTP/1.1\r\nHost: x\r\nX\0A: a\r\n\r\n'],
  ['a bare CR inside a header value', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n'],
  ['an obs-fold continuation line', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n'],
  ['whitespace between a header name and its colon', 'GET / HTTP/1.1\r\nHost: x\r\nX-A : a\r\n\r\n'],
  ['Content-Length with Transfer-Encoding: chunked (CL.TE smuggling)', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['two different Content-Length headers', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde'],
  ['two equal Content-Length headers', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc'],
  ['a Content-Length list', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc'],
  ['a negative Content-Length', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n'],
  ['a signed Content-Length', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc'],
  ['a Content-Length beyond 2^64', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n'],
  ['Transfer-Encoding: chunked, identity', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n3\r\nabc\r\n0\r\n\r\n'],
  ['Transfer-Encoding: chunked sent twice', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'],
  ['an obfuscated Transfer-Encoding name (TE.CL smuggling)', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\nContent-Length: 3\r\n\r\nabc'],
  ['an HTTP/1.1 request without Host', 'GET / HTTP/1.1\r\n\r\n'],
  ['Transfer-Encoding: identity', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\nabc'],
  ['Transfer-Encoding: gzip without chunked last', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc'],
  ['an unknown transfer coding', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\nabc'],
  ['a non-chunked final coding with no body bytes sent', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n'],
  ['chunked followed by another coding in a second header', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n3\r\nabc\r\n0\r\n\r\n'],
];

/**
 * Probes whose head parses but whose chunked body is malformed (RFC 9112 §7.1): the app may already have the scope
 * (as with uvicorn, the body is streamed), but the client gets the 400 (never the app's 200), no body byte is
 * delivered, and the connection is closed.
 */
const BODY_REJECTED_400: [string, string][] = [
  ['a chunk size that is not hex', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n'],
  ['a chunk size line ended by a bare LF', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n'],
];

describe('hostile raw HTTP', () => {
  let server: TestServer;
  const scopes: HTTPScope[] = [];
  const bodies: string[] = [];

  beforeAll(async () => {
    server = await startServer(
      async (scope, receive, send) => {
        if (scope.type !== 'http') return;
        scopes.push(scope);
        const { body } = await readBody(receive);
        bodies.push(body.toString('latin1'));
        await sendText(send, 200, `${scope.method} ${scope.raw_path} ${body.toString('latin1')}`);
      },
      { timeoutHeaders: 1, timeoutKeepAlive: 0.4 },
    );
  });
  afterAll(() => server.close());
  beforeEach(() => {
    scopes.length = 0;
    bodies.length = 0;
  });

  /** A normal request on a fresh connection still gets its 200. */
  async function expectHealthy(): Promise<void> {
    const { text, closed } = await rawExchange(server.port, 'POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    expect(closed).toBe(true);
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\ncontent-type: text\/plain\r\ncontent-length: 15\r\nDate: [^\r]+\r\nConnection: close\r\n\r\nPOST \/health ok$/);
  }

  test.each(REJECTED_400)('%s is answered 400 and closed without reaching the app', async (_name, data) => {
    const { text, closed } = await rawExchange(server.port, data);
    expect(text).toBe(BAD_REQUEST);
    expect(closed).toBe(true);
    expect(scopes).toHaveLength(0);
    await expectHealthy();
  });

  test.each(BODY_REJECTED_400)('%s is answered 400 and closed, with no body delivered to the app', async (_name, data) => {
    const { text, closed } = await rawExchange(server.port, data);
    expect(text).toBe(BAD_REQUEST);
    expect(closed).toBe(true);
    expect(scopes.length).toBeLessThanOrEqual(1);
    expect(bodies.filter((body) => body.includes('abc'))).toEqual([]);
    await expectHealthy();
  });

  test('a final coding of chunked after another coding is accepted and decoded', async () => {
    const { text } = await rawExchange(
      server.port,
      'POST /te HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    );
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nPOST \/te abc$/);
  });

  test('each rejected request is logged once as a warning', async () => {
    const before = server.logs.filter((line) => line === 'WARNING:  Invalid HTTP request received.').length;
    await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n');
    expect(server.logs.filter((line) => line === 'WARNING:  Invalid HTTP request received.')).toHaveLength(before + 1);
  });

  test('a request-line target longer than the header limit is answered 431', async () => {
    const { text, closed } = await rawExchange(server.port, `GET /${'a'.repeat(20000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(text).toBe(TOO_LARGE);
    expect(closed).toBe(true);
    expect(scopes).toHaveLength(0);
    await expectHealthy();
  });

  test('thousands of small headers are answered 431 once their total passes the limit', async () => {
    const { text, closed } = await rawExchange(server.port, `GET / HTTP/1.1\r\nHost: x\r\n${headerLines(3000)}\r\n`);
    expect(text).toBe(TOO_LARGE);
    expect(closed).toBe(true);
    expect(scopes).toHaveLength(0);
    await expectHealthy();
  });

  test('two hundred headers within the size limit are all delivered to the app', async () => {
    const { text } = await rawExchange(server.port, `GET /many HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${headerLines(200)}\r\n`);
    expect(text.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    expect(scopes[0].headers.filter(([name]) => name.startsWith('x-h'))).toHaveLength(200);
  });

  test('a smuggled request behind a rejected one is never parsed', async () => {
    const { text } = await rawExchange(
      server.port,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 40\r\n\r\nabcGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    expect(text).toBe(BAD_REQUEST);
    expect(scopes).toHaveLength(0);
  });

  test('slowloris: headers trickled a byte at a time are cut off with 408 after the headers timeout', async () => {
    const started = Date.now();
    const result = await new Promise<{ text: string; closed: boolean }>((resolve) => {
      const chunks: Buffer[] = [];
      const payload = 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(100);
      let sent = 0;
      const socket = connect(server.port, '127.0.0.1');
      const timer = setInterval(() => {
        if (sent < payload.length && socket.writable) socket.write(payload[sent++]);
      }, 50);
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('error', () => {});
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ text: Buffer.concat(chunks).toString('latin1'), closed: true });
      });
    });
    const elapsed = Date.now() - started;
    expect(result).toEqual({ text: TIMEOUT, closed: true });
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(3500);
    expect(scopes).toHaveLength(0);
    await expectHealthy();
  });

  test('a connection that never sends a byte is closed after the headers timeout', async () => {
    const started = Date.now();
    const { closed } = await rawExchange(server.port, '', 5000);
    expect(closed).toBe(true);
    expect(Date.now() - started).toBeLessThan(3500);
    await expectHealthy();
  });

  test('an idle keep-alive connection is closed after timeoutKeepAlive and a new one is served', async () => {
    const started = Date.now();
    const { text, closed } = await rawExchange(server.port, 'GET /first HTTP/1.1\r\nHost: x\r\n\r\n', 5000);
    expect(closed).toBe(true);
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*Connection: keep-alive\r\n\r\nGET \/first $/);
    expect(Date.now() - started).toBeLessThan(2500);
    await expectHealthy();
  });

  test('a keep-alive connection reused before its timeout keeps working', async () => {
    const text = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      const socket = connect(server.port, '127.0.0.1', () => socket.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\n'));
      setTimeout(() => socket.write('GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), 150);
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    });
    expect(text.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
    expect(scopes.map((scope) => scope.raw_path)).toEqual(['/a', '/b']);
  });

  test('a client that resets mid-headers leaves the server serving', async () => {
    await new Promise<void>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => {
        socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Len');
        setTimeout(() => {
          socket.resetAndDestroy();
          resolve();
        }, 30);
      });
    });
    await sleep(50);
    await expectHealthy();
    expect(server.logs.filter((line) => line.startsWith('ERROR'))).toEqual([]);
  });
});
