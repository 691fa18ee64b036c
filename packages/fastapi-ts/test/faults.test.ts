// Faults over a real server (asgi-core `serve` on port 0, undici and raw sockets): what
// the client receives when a handler, a dependency, a generator dependency's cleanup, a
// background task or a stream fails; that each failure is logged once with its stack;
// that generator-dependency cleanup runs exactly once on every path, client disconnects
// included; and that the next request on the same server is served.
import 'reflect-metadata';
import { connect } from 'node:net';
import type { ServerHandle } from 'asgi-core';
import { EventSourceResponse, StreamingResponse } from 'starlette-ts';
import { request } from 'undici';
import { BackgroundTasks, Depends, dependency, FastAPI, HTTPException } from '../src';
import { readThenAbort } from '../../starlette-ts/test/support/raw-socket';
import { serveRecording, sleep, until, type LogRecord } from '../../starlette-ts/test/support/server';

const records: LogRecord[] = [];
const errorRecords = () => records.filter((r) => r.level === 'error' || r.level === 'critical');

// ---- the throwers: named functions, so their names must appear in the logged stacks ----

function explodeInHandler(): never {
  throw new Error('handler exploded');
}

const failingDependency = dependency({}, function failingDependency(): string {
  throw new Error('dependency exploded');
});

const refusingDependency = dependency({}, (): string => {
  throw new HTTPException(403, 'No entry', { 'x-reason': 'refused' });
});

const failingCleanup = dependency({}, function* failingCleanup() {
  yield 'resource';
  throw new Error('cleanup exploded');
});

const cleanupRaisingHTTP = dependency({}, function* cleanupRaisingHTTP() {
  yield 'resource';
  throw new HTTPException(409, 'Too late to say so');
});

function failingTask(): void {
  throw new Error('task exploded');
}

class TeapotError extends Error {
  override name = 'TeapotError';
}

function brewInHandler(): never {
  throw new TeapotError('no coffee here');
}

async function* failingStream() {
  yield 'part 1\n';
  yield 'part 2\n';
  throw new Error('stream exploded');
}

// ---- the counted generator dependency and its paths ----

const counts = { setup: 0, cleanup: 0, sawError: [] as string[], streamFinally: 0, sseFinally: 0 };
const order: string[] = [];

const counted = dependency({}, async function* counted() {
  counts.setup++;
  try {
    yield 'session';
  } catch (error) {
    counts.sawError.push(error instanceof HTTPException ? `HTTP ${error.statusCode}` : (error as Error).message);
    throw error;
  } finally {
    counts.cleanup++;
  }
});

const failingSub = dependency({ session: Depends(counted) }, function failingSub(): string {
  throw new Error('sub-dependency exploded');
});

function nestedDep(name: string, inner?: ReturnType<typeof dependency>) {
  return dependency(inner ? { inner: Depends(inner) } : {}, function* () {
    order.push(`enter ${name}`);
    try {
      yield name;
    } finally {
      order.push(`exit ${name}`);
    }
  });
}
const outer = nestedDep('outer');
const middle = nestedDep('middle', outer);
const innermost = nestedDep('innermost', middle);

const app = new FastAPI();
app.get('/ok', {}, () => ({ ok: true }));
app.get('/fault/handler', {}, () => explodeInHandler());
app.get('/fault/dependency', { params: { value: Depends(failingDependency) } }, ({ value }) => value);
app.get('/fault/dependency-http', { params: { value: Depends(refusingDependency) } }, ({ value }) => value);
app.get('/fault/cleanup', { params: { value: Depends(failingCleanup) } }, ({ value }) => ({ value }));
app.get('/fault/cleanup-function-scope', { params: { value: Depends(failingCleanup, { scope: 'function' }) } }, ({ value }) => ({ value }));
app.get('/fault/cleanup-http', { params: { value: Depends(cleanupRaisingHTTP) } }, ({ value }) => ({ value }));
app.get('/fault/background', { params: { tasks: BackgroundTasks } }, ({ tasks }) => {
  tasks.addTask(failingTask);
  return { queued: true };
});
app.get('/fault/stream', {}, () => new StreamingResponse(failingStream(), { mediaType: 'text/plain' }));
app.get('/fault/exception-handler', {}, () => brewInHandler());
app.exceptionHandler(TeapotError, function brokenTeapotHandler(): never {
  throw new Error('exception handler exploded');
});

app.get('/cleanup/success', { params: { session: Depends(counted) } }, ({ session }) => ({ session }));
app.get('/cleanup/http', { params: { session: Depends(counted) } }, () => {
  throw new HTTPException(404, 'Item not found');
});
app.get('/cleanup/error', { params: { session: Depends(counted) } }, () => explodeInHandler());
app.get('/cleanup/sub-error', { params: { session: Depends(counted), value: Depends(failingSub) } }, ({ value }) => value);
app.get('/cleanup/stream-error', { params: { session: Depends(counted) } }, () => new StreamingResponse(failingStream(), { mediaType: 'text/plain' }));
app.get('/cleanup/background-error', { params: { session: Depends(counted), tasks: BackgroundTasks } }, ({ tasks }) => {
  tasks.addTask(failingTask);
  return { queued: true };
});
app.get('/cleanup/nested', { params: { value: Depends(innermost) } }, ({ value }) => ({ value }));
app.get('/cleanup/stream', { params: { session: Depends(counted) } }, ({ session }) =>
  new StreamingResponse(
    (async function* () {
      try {
        for (let i = 0; ; i++) {
          yield `${session} chunk ${i}\n`;
          await sleep(10);
        }
      } finally {
        counts.streamFinally++;
      }
    })(),
    { mediaType: 'text/plain' },
  ),
);
app.get('/cleanup/events', { params: { session: Depends(counted) } }, ({ session }) =>
  new EventSourceResponse(
    (async function* () {
      try {
        for (let i = 0; ; i++) {
          yield { event: 'tick', data: `${session} ${i}` };
          await sleep(10);
        }
      } finally {
        counts.sseFinally++;
      }
    })(),
    { ping: 0 },
  ),
);

let handle: ServerHandle;
let port: number;
let consoleErrors: unknown[][];
let consoleSpy: jest.SpyInstance;

beforeAll(async () => {
  ({ handle, port } = await serveRecording(app, records));
});

afterAll(async () => {
  await handle?.close();
});

beforeEach(() => {
  records.length = 0;
  order.length = 0;
  Object.assign(counts, { setup: 0, cleanup: 0, sawError: [], streamFinally: 0, sseFinally: 0 });
  consoleErrors = [];
  consoleSpy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void consoleErrors.push(args));
});

afterEach(() => {
  consoleSpy.mockRestore();
});

async function get(path: string) {
  const r = await request(`http://127.0.0.1:${port}${path}`);
  return { status: r.statusCode, headers: r.headers, body: await r.body.text() };
}

/** The next request on the same server is served normally. */
async function expectServing(): Promise<void> {
  expect(await get('/ok')).toMatchObject({ status: 200, body: '{"ok":true}' });
}

/** Exactly one error record, the server's, with the thrower's frame in its stack. */
async function expectLoggedOnce(message: RegExp, thrower: string): Promise<void> {
  await until(() => errorRecords().length > 0, 'the error log record');
  await sleep(30); // a second (duplicate) record would arrive within the same turn of work
  const errors = errorRecords();
  expect(errors).toHaveLength(1);
  expect(errors[0].line).toMatch(/^ERROR: {4}Exception in ASGI application\n/);
  expect(errors[0].line).toMatch(message);
  expect(errors[0].line).toMatch(new RegExp(`\\n\\s+at (?:\\S+\\.)?${thrower}\\b`));
  expect(consoleErrors).toEqual([]);
}

describe('a fault answers the right response, is logged once, and the server keeps serving', () => {
  test('an error in the handler is a plain 500 "Internal Server Error"', async () => {
    const r = await get('/fault/handler');
    expect([r.status, r.headers['content-type'], r.body]).toEqual([500, 'text/plain; charset=utf-8', 'Internal Server Error']);
    await expectLoggedOnce(/Error: handler exploded/, 'explodeInHandler');
    await expectServing();
  });

  test('an error in a dependency is a plain 500', async () => {
    const r = await get('/fault/dependency');
    expect([r.status, r.body]).toEqual([500, 'Internal Server Error']);
    await expectLoggedOnce(/Error: dependency exploded/, 'failingDependency');
    await expectServing();
  });

  test('an HTTPException in a dependency is its own response and logs nothing', async () => {
    const r = await get('/fault/dependency-http');
    expect([r.status, r.headers['x-reason'], r.body]).toEqual([403, 'refused', '{"detail":"No entry"}']);
    await expectServing();
    expect(records).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  test('an error in generator cleanup after the response: the response stands, the error is logged once', async () => {
    // FastAPI >= 0.118 exits request-scoped dependencies after the response was sent.
    const r = await get('/fault/cleanup');
    expect([r.status, r.body]).toEqual([200, '{"value":"resource"}']);
    await expectLoggedOnce(/Error: cleanup exploded/, 'failingCleanup');
    await expectServing();
  });

  test('a fault after a complete response leaves the keep-alive connection serving (uvicorn would close it)', async () => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => void (received += chunk.toString('latin1')));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('GET /fault/cleanup HTTP/1.1\r\nHost: test\r\n\r\nGET /ok HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n');
    await closed;
    expect([...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1])).toEqual(['200', '200']);
    expect(received).toContain('{"value":"resource"}');
    expect(received.endsWith('{"ok":true}')).toBe(true);
    await expectLoggedOnce(/Error: cleanup exploded/, 'failingCleanup');
  });

  test('an error in function-scoped cleanup happens before the response: a plain 500', async () => {
    const r = await get('/fault/cleanup-function-scope');
    expect([r.status, r.body]).toEqual([500, 'Internal Server Error']);
    await expectLoggedOnce(/Error: cleanup exploded/, 'failingCleanup');
    await expectServing();
  });

  test('an HTTPException raised by cleanup after the response cannot become a response: the 200 stands, one error is logged', async () => {
    const r = await get('/fault/cleanup-http');
    expect([r.status, r.body]).toEqual([200, '{"value":"resource"}']);
    await until(() => errorRecords().length > 0, 'the error log record');
    await sleep(30);
    const errors = errorRecords();
    expect(errors).toHaveLength(1);
    expect(errors[0].line).toMatch(/^ERROR: {4}Exception in ASGI application\n\S*Error: Caught handled exception, but response already started\./);
    await expectServing();
  });

  // Starlette raises its RuntimeError `from exc`: uvicorn's traceback shows the cleanup that raised.
  test('the log of a handled exception raised after the response names the cleanup that raised it', async () => {
    await get('/fault/cleanup-http');
    await expectLoggedOnce(/Caught handled exception, but response already started\.[\s\S]*\nCaused by: HTTPException: 409: Too late to say so\n/, 'cleanupRaisingHTTP');
  });

  test('an exception handler that throws: a plain 500, logged once with the error it was handling', async () => {
    const r = await get('/fault/exception-handler');
    expect([r.status, r.body]).toEqual([500, 'Internal Server Error']);
    await expectLoggedOnce(/\nError: exception handler exploded\n\s+at (?:\S+\.)?brokenTeapotHandler\b[\s\S]*\nCaused by: TeapotError: no coffee here\n/, 'brewInHandler');
    await expectServing();
  });

  test('an error in a background task: the response was sent, the server logs the task once, with its stack', async () => {
    // As Starlette: the error leaves the response's call after the response, and uvicorn logs it.
    const r = await get('/fault/background');
    expect([r.status, r.body]).toEqual([200, '{"queued":true}']);
    await expectLoggedOnce(/\nError: task exploded\n/, 'failingTask');
    await expectServing();
  });

  test('an error in a stream after it started: the client gets the parts sent, then the connection is closed', async () => {
    const r = await request(`http://127.0.0.1:${port}/fault/stream`);
    expect([r.statusCode, r.headers['transfer-encoding']]).toEqual([200, 'chunked']);
    let received = '';
    const read = (async () => {
      for await (const chunk of r.body) received += Buffer.from(chunk as Buffer).toString();
    })();
    await expect(read).rejects.toThrow(); // no terminating chunk: undici sees the body cut short
    expect(received).toBe('part 1\npart 2\n');
    await expectLoggedOnce(/Error: stream exploded/, 'failingStream');
    await expectServing();
  });
});

describe('generator-dependency cleanup runs exactly once on every path', () => {
  test('success', async () => {
    expect(await get('/cleanup/success')).toMatchObject({ status: 200, body: '{"session":"session"}' });
    await until(() => counts.cleanup > 0, 'cleanup');
    expect(counts).toMatchObject({ setup: 1, cleanup: 1, sawError: [] });
  });

  test('an HTTPException in the handler: thrown into the generator, then the 404', async () => {
    expect(await get('/cleanup/http')).toMatchObject({ status: 404, body: '{"detail":"Item not found"}' });
    await until(() => counts.cleanup > 0, 'cleanup');
    expect(counts).toMatchObject({ setup: 1, cleanup: 1, sawError: ['HTTP 404'] });
    expect(records).toEqual([]);
  });

  test('another error in the handler: thrown into the generator, then the 500', async () => {
    expect(await get('/cleanup/error')).toMatchObject({ status: 500, body: 'Internal Server Error' });
    await until(() => counts.cleanup > 0, 'cleanup');
    expect(counts).toMatchObject({ setup: 1, cleanup: 1, sawError: ['handler exploded'] });
    await expectLoggedOnce(/Error: handler exploded/, 'explodeInHandler');
  });

  test('an error in a sub-dependency of the generator', async () => {
    expect(await get('/cleanup/sub-error')).toMatchObject({ status: 500, body: 'Internal Server Error' });
    await until(() => counts.cleanup > 0, 'cleanup');
    expect(counts).toMatchObject({ setup: 1, cleanup: 1, sawError: ['sub-dependency exploded'] });
    await expectLoggedOnce(/Error: sub-dependency exploded/, 'failingSub');
  });

  test('an error in the stream after it started: thrown into the generator, logged once', async () => {
    const r = await request(`http://127.0.0.1:${port}/cleanup/stream-error`);
    await expect(r.body.text()).rejects.toThrow();
    await until(() => counts.cleanup > 0, 'cleanup');
    expect(counts).toMatchObject({ setup: 1, cleanup: 1, sawError: ['stream exploded'] });
    await expectLoggedOnce(/Error: stream exploded/, 'failingStream');
  });

  test('an error in a background task is thrown into the generator, as FastAPI does, and logged once', async () => {
    expect(await get('/cleanup/background-error')).toMatchObject({ status: 200, body: '{"queued":true}' });
    await until(() => counts.cleanup > 0, 'cleanup');
    expect(counts).toMatchObject({ setup: 1, cleanup: 1, sawError: ['task exploded'] });
    await expectLoggedOnce(/\nError: task exploded\n/, 'failingTask');
  });

  test('nested generator dependencies exit in reverse order of entry', async () => {
    expect(await get('/cleanup/nested')).toMatchObject({ status: 200, body: '{"value":"innermost"}' });
    await until(() => order.length === 6, 'all exits');
    expect(order).toEqual(['enter outer', 'enter middle', 'enter innermost', 'exit innermost', 'exit middle', 'exit outer']);
  });

  test('a client that disconnects mid-stream: the stream stops, its finally and the cleanup run once, nothing is logged', async () => {
    const received = await readThenAbort(port, '/cleanup/stream', 'session chunk 3\n');
    expect(received.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    await until(() => counts.cleanup > 0, 'cleanup after the disconnect');
    await sleep(100); // a generator still running would produce, and a second cleanup would count, meanwhile
    expect(counts).toMatchObject({ setup: 1, cleanup: 1, sawError: [], streamFinally: 1 });
    expect(records).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await expectServing();
  });

  test('a client that disconnects mid-SSE: the producer stops, its finally and the cleanup run once, nothing is logged', async () => {
    const received = await readThenAbort(port, '/cleanup/events', 'data: session 3\r\n\r\n');
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*content-type: text\/event-stream; charset=utf-8\r\n/i);
    await until(() => counts.cleanup > 0, 'cleanup after the disconnect');
    await sleep(100);
    expect(counts).toMatchObject({ setup: 1, cleanup: 1, sawError: [], sseFinally: 1 });
    expect(records).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await expectServing();
  });

  test('twenty disconnects in a row leave exactly twenty cleanups and a serving server', async () => {
    for (let i = 0; i < 20; i++) await readThenAbort(port, i % 2 ? '/cleanup/events' : '/cleanup/stream', i % 2 ? 'data: session 1\r\n' : 'session chunk 1\n');
    await until(() => counts.cleanup === 20, 'twenty cleanups');
    await sleep(100);
    expect(counts).toMatchObject({ setup: 20, cleanup: 20, sawError: [], streamFinally: 10, sseFinally: 10 });
    expect(records).toEqual([]);
    await expectServing();
  });
});
