/**
 * Faults in a plain Starlette app over a real server (asgi-core `serve` on port 0, undici and
 * raw sockets): a failing endpoint is logged once, a client that leaves a StreamingResponse or
 * an EventSourceResponse stops its iterator exactly once with nothing logged, and request
 * bodies have no size limit (as in Starlette).
 */
import { Readable } from 'node:stream';
import type { ServerHandle } from 'asgi-core';
import { Agent, request as undiciRequest } from 'undici';
import { EventSourceResponse, JSONResponse, PlainTextResponse, Request, Route, Starlette, StreamingResponse } from '../src';
import { readThenAbort } from './support/raw-socket';
import { serveRecording, sleep, until, type LogRecord } from './support/server';

// A private agent, closed after the tests (the global one keeps sockets alive).
const agent = new Agent();
const request: typeof undiciRequest = ((url: string, options: object = {}) => undiciRequest(url, { ...options, dispatcher: agent })) as typeof undiciRequest;

const records: LogRecord[] = [];
const counts = { produced: 0, finally: 0, afterWait: 0 };
let releaseWait: () => void = () => undefined;

function explodeInEndpoint(): never {
  throw new Error('endpoint exploded');
}

/** An endless producer that counts its chunks and its `finally`. */
async function* endless(format: (i: number) => string) {
  try {
    for (let i = 0; ; i++) {
      counts.produced++;
      yield format(i);
      await sleep(10);
    }
  } finally {
    counts.finally++;
  }
}

/** Yields once, then waits on a promise the test settles after the client has gone. */
async function* waiting() {
  try {
    yield 'first\n';
    await new Promise<void>((resolve) => (releaseWait = resolve));
    counts.afterWait++;
    yield 'never sent\n';
  } finally {
    counts.finally++;
  }
}

function* endlessSync() {
  try {
    for (let i = 0; ; i++) {
      counts.produced++;
      yield `sync ${i}\n`;
    }
  } finally {
    counts.finally++;
  }
}

const app = new Starlette({
  routes: [
    new Route('/ok', () => new PlainTextResponse('ok')),
    new Route('/explode', () => explodeInEndpoint()),
    new Route('/stream', () => new StreamingResponse(endless((i) => `chunk ${i}\n`), { mediaType: 'text/plain' })),
    new Route('/stream-sync', () => new StreamingResponse(endlessSync(), { mediaType: 'text/plain' })),
    new Route('/stream-waiting', () => new StreamingResponse(waiting(), { mediaType: 'text/plain' })),
    new Route('/events', () => new EventSourceResponse(endless((i) => `tick ${i}`), { ping: 0.02 })),
    new Route('/size', async (r: Request) => new JSONResponse({ size: (await r.body()).byteLength }), { methods: ['POST'] }),
  ],
});

let handle: ServerHandle;
let port: number;

beforeAll(async () => {
  ({ handle, port } = await serveRecording(app, records));
});

afterAll(async () => {
  await handle?.close();
  await agent.close();
});

beforeEach(() => {
  records.length = 0;
  Object.assign(counts, { produced: 0, finally: 0, afterWait: 0 });
});

async function expectServing(): Promise<void> {
  const r = await request(`${handle.url}/ok`);
  expect([r.statusCode, await r.body.text()]).toEqual([200, 'ok']);
}

test('a failing endpoint is a plain 500, logged once with its stack, and the next request is served', async () => {
  const r = await request(`${handle.url}/explode`);
  expect([r.statusCode, r.headers['content-type'], await r.body.text()]).toEqual([500, 'text/plain; charset=utf-8', 'Internal Server Error']);
  await until(() => records.length > 0, 'the log record');
  await sleep(30);
  expect(records).toHaveLength(1);
  expect(records[0].level).toBe('error');
  expect(records[0].line).toMatch(/^ERROR: {4}Exception in ASGI application\nError: endpoint exploded\n\s+at explodeInEndpoint\b/);
  await expectServing();
});

describe('a client that leaves mid-stream', () => {
  test.each([
    ['a StreamingResponse over an async generator', '/stream', 'chunk 3\n'],
    ['a StreamingResponse over a sync generator', '/stream-sync', 'sync 3\n'],
    ['an EventSourceResponse', '/events', 'data: tick 3\r\n\r\n'],
  ])('%s: the iterator stops, its finally runs once, nothing is logged', async (_name, path, needle) => {
    const received = await readThenAbort(port, path, needle);
    expect(received.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    await until(() => counts.finally > 0, 'the iterator finally');
    const producedAtStop = counts.produced;
    await sleep(100); // a producer still running would go on producing meanwhile
    expect(counts.finally).toBe(1);
    expect(counts.produced).toBe(producedAtStop);
    expect(records).toEqual([]);
    await expectServing();
  });

  test('a producer waiting when the client leaves finishes its wait, then stops at its next yield (its finally runs once)', async () => {
    // JavaScript cannot cancel an await (Python raises CancelledError into it): return() is
    // queued, the code after the wait runs, and the generator ends at its next yield.
    await readThenAbort(port, '/stream-waiting', 'first\n');
    await sleep(100);
    expect(counts).toEqual({ produced: 0, finally: 0, afterWait: 0 });
    await expectServing(); // the response did not block on the pending producer
    releaseWait();
    await until(() => counts.finally > 0, 'the iterator finally');
    await sleep(30);
    expect(counts).toEqual({ produced: 0, finally: 1, afterWait: 1 });
    expect(records).toEqual([]);
  });

  test('fifty disconnects in a row: fifty finallys, no log, still serving', async () => {
    for (let i = 0; i < 50; i++) await readThenAbort(port, i % 2 ? '/events' : '/stream', i % 2 ? 'data: tick 1\r\n' : 'chunk 1\n');
    await until(() => counts.finally === 50, 'fifty finallys');
    await sleep(100);
    expect(counts.finally).toBe(50);
    expect(records).toEqual([]);
    await expectServing();
  });
});

describe('request bodies have no size limit (as Starlette)', () => {
  test('request.body() reads 32 MiB, declared or chunked', async () => {
    const size = 32 * 1024 * 1024;
    const declared = await request(`${handle.url}/size`, { method: 'POST', body: Buffer.alloc(size, 0x61) });
    expect([declared.statusCode, await declared.body.text()]).toEqual([200, `{"size":${size}}`]);
    const chunk = Buffer.alloc(1024 * 1024, 0x62);
    const chunked = await request(`${handle.url}/size`, { method: 'POST', body: Readable.from(Array.from({ length: 32 }, () => chunk)) });
    expect([chunked.statusCode, await chunked.body.text()]).toEqual([200, `{"size":${size}}`]);
  });
});
