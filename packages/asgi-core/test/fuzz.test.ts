// Seeded fuzzing over raw sockets: thousands of random and mutated requests, zero 5xx, zero crashes, server still serving.
// Reproduce a failure with FUZZ_SEED=<seed> (the seed is in every failure message); FUZZ_COUNT changes the count,
// FUZZ_VERBOSE=1 prints the status distribution.
import { connect } from 'node:net';
import { rawExchange, readBody, sendText, startServer, type TestServer } from './helpers';

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed2026) >>> 0;
const COUNT = Number(process.env.FUZZ_COUNT ?? 5000);
const CONCURRENCY = 24;

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT', 'PRI', 'get', 'G ET', 'M-SEARCH', ''];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/0.9', 'HTTP/2.0', 'HTTP/1.', 'HTTP/11', 'HTTP/1.1 ', 'HTTP\\1.1', 'XTTP/1.1', ''];
const PATHS = ['/', '/echo', '/a/../../etc/passwd', '/%00', '/%zz', '/%C3%28', '*', 'http://x/abs?q=1', '//double', '/q?a=1&a=2&b', '/' + 'x'.repeat(300), '/\u00e9'];
const HEADERS = [
  'Host: x', 'Content-Length: 3', 'Content-Length: 0', 'Content-Length: 999', 'Transfer-Encoding: chunked', 'Connection: close',
  'Connection: keep-alive', 'Expect: 100-continue', 'Upgrade: websocket', 'Connection: Upgrade', 'X-Empty:', 'Cookie: a=b; c=d',
  'Content-Type: application/json', 'Accept-Encoding: gzip', 'X-Latin: \u00e9\u00ff',
];

/** A random request built from the pools above: often valid, often not. */
function randomRequest(rand: () => number): Buffer {
  const pick = <T>(items: T[]) => items[Math.floor(rand() * items.length)];
  const headers = Array.from({ length: Math.floor(rand() * 6) }, () => pick(HEADERS));
  if (rand() < 0.8) headers.unshift('Host: x');
  const chunked = headers.includes('Transfer-Encoding: chunked');
  const body = chunked ? (rand() < 0.7 ? '3\r\nabc\r\n0\r\n\r\n' : 'zz\r\n') : rand() < 0.5 ? 'abc' : '';
  return Buffer.from(`${pick(METHODS)} ${pick(PATHS)} ${pick(VERSIONS)}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${body}`, 'latin1');
}

/** A valid request to be mutated. */
function validRequest(rand: () => number): Buffer {
  const variants = [
    'GET /echo?x=1 HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n',
    'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello',
    'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n',
    'PUT /items/1 HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}',
    'GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n',
  ];
  return Buffer.from(variants[Math.floor(rand() * variants.length)], 'latin1');
}

/** Flips bytes, truncates, duplicates or deletes lines, splices in random bytes. */
function mutate(input: Buffer, rand: () => number): Buffer {
  let data = Buffer.from(input);
  const rounds = 1 + Math.floor(rand() * 3);
  for (let r = 0; r < rounds; r++) {
    const kind = Math.floor(rand() * 6);
    if (kind === 0 && data.length > 0) {
      data[Math.floor(rand() * data.length)] ^= 1 << Math.floor(rand() * 8);
    } else if (kind === 1) {
      data = data.subarray(0, Math.floor(rand() * data.length));
    } else if (kind === 2 || kind === 3) {
      const lines = data.toString('latin1').split('\r\n');
      const i = 1 + Math.floor(rand() * Math.max(1, lines.length - 2));
      if (kind === 2) lines.splice(i, 0, lines[i] ?? '');
      else lines.splice(i, 1);
      data = Buffer.from(lines.join('\r\n'), 'latin1');
    } else if (kind === 4) {
      const at = Math.floor(rand() * (data.length + 1));
      const noise = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 8) }, () => Math.floor(rand() * 256)));
      data = Buffer.concat([data.subarray(0, at), noise, data.subarray(at)]);
    } else {
      const at = Math.floor(rand() * (data.length + 1));
      const special = ['\r', '\n', '\0', ' ', ':', '\r\n\r\n', '\t'][Math.floor(rand() * 7)];
      data = Buffer.concat([data.subarray(0, at), Buffer.from(special, 'latin1'), data.subarray(at)]);
    }
  }
  return data;
}

/** Writes `data`, half-closes, and collects everything until the server closes (or `ms`). */
function send(port: number, data: Buffer, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.end(data));
    const timer = setTimeout(() => socket.destroy(), ms);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {}); // a reset after the server rejected the request is expected
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
  });
}

describe(`fuzzing the HTTP server (FUZZ_SEED=${SEED})`, () => {
  let server: TestServer;
  const unexpected: unknown[] = [];
  const onUnexpected = (error: unknown) => unexpected.push(error);

  beforeAll(async () => {
    process.on('uncaughtException', onUnexpected);
    process.on('unhandledRejection', onUnexpected);
    server = await startServer(
      async (scope, receive, send) => {
        if (scope.type !== 'http') return;
        const { body } = await readBody(receive);
        await sendText(send, 200, `len=${body.length} headers=${scope.headers.length}`);
      },
      { accessLog: false, timeoutHeaders: 2, timeoutKeepAlive: 1 },
    );
  });
  afterAll(async () => {
    process.off('uncaughtException', onUnexpected);
    process.off('unhandledRejection', onUnexpected);
    await server.close();
  });

  test(`${COUNT} random and mutated requests get no 5xx, no crash, and the server answers normally afterwards`, async () => {
    const rand = mulberry32(SEED);
    const requests = Array.from({ length: COUNT }, () => (rand() < 0.4 ? randomRequest(rand) : mutate(validRequest(rand), rand)));
    const statuses = new Map<string, number>();
    const serverErrors: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const index = next++;
        const text = await send(server.port, requests[index], 4000);
        for (const match of text.matchAll(/^HTTP\/1\.1 (\d{3}) /gm)) {
          statuses.set(match[1], (statuses.get(match[1]) ?? 0) + 1);
          if (match[1].startsWith('5')) serverErrors.push(`#${index} ${JSON.stringify(requests[index].toString('latin1'))} -> ${match[1]}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    if (process.env.FUZZ_VERBOSE) console.log(Object.fromEntries(statuses));
    const context = `FUZZ_SEED=${SEED} statuses=${JSON.stringify(Object.fromEntries(statuses))}`;
    expect({ context, serverErrors }).toEqual({ context, serverErrors: [] });
    expect({ context, unexpected }).toEqual({ context, unexpected: [] });
    expect({ context, errors: server.logs.filter((line) => line.startsWith('ERROR') || line.startsWith('CRITICAL')) }).toEqual({ context, errors: [] });
    // The mix must exercise both paths, or the generator has degenerated.
    expect({ context, ok: (statuses.get('200') ?? 0) > COUNT / 25, rejected: (statuses.get('400') ?? 0) > COUNT / 4 }).toEqual({ context, ok: true, rejected: true });

    const { text } = await rawExchange(server.port, 'POST /after HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nConnection: close\r\n\r\nlast');
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nlen=4 headers=3$/);
  }, 60_000);
});
