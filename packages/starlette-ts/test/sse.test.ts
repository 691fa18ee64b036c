import { serve, type ASGIApp, type ReceiveMessage, type SendMessage, type ServerHandle } from 'asgi-core';
import { Agent, request as undiciRequest } from 'undici';

// A private agent, closed after the tests (the global one keeps sockets alive).
const agent = new Agent();
const request: typeof undiciRequest = ((url: string, options: object = {}) => undiciRequest(url, { ...options, dispatcher: agent })) as typeof undiciRequest;
afterAll(() => agent.close());
import { EventSourceResponse, ServerSentEvent } from '../src/sse';
import { buildScope, drive } from './support/edges-driver';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function bodies(messages: SendMessage[]): { text: string; more: boolean | undefined }[] {
  return messages
    .filter((m) => m.type === 'http.response.body')
    .map((m) => {
      const body = m as { body?: Uint8Array; more_body?: boolean };
      return { text: Buffer.from(body.body ?? []).toString(), more: body.more_body };
    });
}

describe('ServerSentEvent framing', () => {
  test('fields in sse-starlette order, multi-line data split into data lines', () => {
    const event = new ServerSentEvent({ data: 'line one\nline two\r\nline three\rfour', event: 'update', id: 7, retry: 3000, comment: 'note' });
    expect(event.toString()).toBe(
      ': note\r\nid: 7\r\nevent: update\r\ndata: line one\r\ndata: line two\r\ndata: line three\r\ndata: four\r\nretry: 3000\r\n\r\n',
    );
  });

  test('line breaks are removed from id and event, multi-line comments get one line each', () => {
    expect(new ServerSentEvent({ id: 'a\nb', event: 'x\r\ny', comment: 'c1\nc2', sep: '\n' }).toString()).toBe(': c1\n: c2\nid: ab\nevent: xy\n\n');
  });

  test('a string is data; empty data is one empty data line; no fields is a blank line', () => {
    expect(new ServerSentEvent('hi').toString()).toBe('data: hi\r\n\r\n');
    expect(new ServerSentEvent({ data: '' }).toString()).toBe('data: \r\n\r\n');
    expect(new ServerSentEvent().toString()).toBe('\r\n');
  });

  test('retry must be an integer and sep one of the three separators', () => {
    expect(() => new ServerSentEvent({ retry: 1.5 })).toThrow('retry argument must be int');
    expect(() => new ServerSentEvent({ sep: '\t' as '\n' })).toThrow('sep must be one of');
    expect(() => new EventSourceResponse([], { sep: 'x' as '\n' })).toThrow('sep must be one of');
    expect(() => new EventSourceResponse([], { ping: -1 })).toThrow('ping must be a number of seconds >= 0');
  });
});

describe('EventSourceResponse', () => {
  test('sends the SSE headers and each item as its own flushed body message', async () => {
    async function* events() {
      yield 'plain text';
      yield 'two\nlines\r\nand\ra third'; // line breaks: one data line each
      yield { event: 'obj', data: 'a\nb', id: 1 };
      yield new ServerSentEvent({ comment: 'hello', sep: '\n' });
      yield Buffer.from('data: raw\r\n\r\n');
      yield 42;
    }
    const res = await drive(new EventSourceResponse(events(), { ping: 0 }));
    expect(res.status).toBe(200);
    expect(res.headers).toEqual([
      ['content-type', 'text/event-stream; charset=utf-8'],
      ['cache-control', 'no-store'],
      ['connection', 'keep-alive'],
      ['x-accel-buffering', 'no'],
    ]);
    expect(bodies(res.messages)).toEqual([
      { text: 'data: plain text\r\n\r\n', more: true },
      { text: 'data: two\r\ndata: lines\r\ndata: and\r\ndata: a third\r\n\r\n', more: true },
      { text: 'id: 1\r\nevent: obj\r\ndata: a\r\ndata: b\r\n\r\n', more: true },
      { text: ': hello\n\n', more: true },
      { text: 'data: raw\r\n\r\n', more: true },
      { text: 'data: 42\r\n\r\n', more: true },
      { text: '', more: false },
    ]);
  });

  test('a sync iterable, a custom separator, status and a user cache-control', async () => {
    const res = await drive(
      new EventSourceResponse(['a', 'b'], { sep: '\n', status: 201, headers: { 'cache-control': 'no-cache', 'x-extra': '1' }, ping: 0 }),
    );
    expect(res.status).toBe(201);
    expect(res.header('cache-control')).toBe('no-cache');
    expect(res.header('x-extra')).toBe('1');
    expect(res.header('content-length')).toBeUndefined();
    expect(res.text()).toBe('data: a\n\ndata: b\n\n');
    // Numbers and a line break in a sync producer take the same framing as the async path.
    expect((await drive(new EventSourceResponse([1, 'x\ny'], { sep: '\n', ping: 0 }))).text()).toBe('data: 1\n\ndata: x\ndata: y\n\n');
  });

  test('sends ping comments while the producer is idle, without losing the pending event', async () => {
    async function* slow() {
      await sleep(230);
      yield 'late';
    }
    const res = await drive(new EventSourceResponse(slow(), { ping: 0.05 }));
    const parts = bodies(res.messages).map((b) => b.text);
    const pings = parts.filter((text) => text.startsWith(': ping - '));
    expect(pings.length).toBeGreaterThanOrEqual(3);
    for (const ping of pings) expect(ping).toMatch(/^: ping - \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\r\n\r\n$/);
    expect(parts.filter((text) => !text.startsWith(': ping'))).toEqual(['data: late\r\n\r\n', '']);
  });

  test('a custom ping message factory', async () => {
    async function* slow() {
      await sleep(80);
      yield 'x';
    }
    const res = await drive(new EventSourceResponse(slow(), { ping: 0.03, pingMessageFactory: () => new ServerSentEvent({ event: 'ping', data: '' }) }));
    expect(res.text()).toContain('event: ping\r\ndata: \r\n\r\n');
  });

  test('stops the producer (its finally runs) when the client disconnects', async () => {
    let cleaned = false;
    let produced = 0;
    async function* endless() {
      try {
        for (;;) {
          produced += 1;
          yield `event ${produced}`;
          await sleep(10);
        }
      } finally {
        cleaned = true;
      }
    }
    const sent: SendMessage[] = [];
    let disconnect!: () => void;
    const gone = new Promise<void>((resolve) => (disconnect = resolve));
    const receive = async (): Promise<ReceiveMessage> => {
      await gone;
      return { type: 'http.disconnect' };
    };
    const send = async (message: SendMessage) => {
      sent.push(message);
      if (bodies(sent).length === 3) disconnect();
    };
    await new EventSourceResponse(endless(), { ping: 0 })(buildScope(), receive, send);
    // The generator may be suspended in its sleep: return() completes when that step ends.
    await sleep(30);
    expect(cleaned).toBe(true);
    const countAtEnd = produced;
    await sleep(50);
    expect(produced).toBe(countAtEnd);
    expect(bodies(sent).every((b) => b.more === true)).toBe(true);
  });

  test('a disconnect while the producer waits does not wait for the next event', async () => {
    let cleaned = false;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    async function* stuck() {
      try {
        yield 'first';
        await released;
        yield 'never';
      } finally {
        cleaned = true;
      }
    }
    const receive = async (): Promise<ReceiveMessage> => {
      await sleep(30);
      return { type: 'http.disconnect' };
    };
    const started = Date.now();
    await new EventSourceResponse(stuck(), { ping: 0 })(buildScope(), receive, async () => undefined);
    expect(Date.now() - started).toBeLessThan(2000);
    // The generator is suspended in its await: its finally runs when that step ends, not now.
    expect(cleaned).toBe(false);
    release();
    await sleep(10);
    expect(cleaned).toBe(true);
  });

  test('an error in the producer propagates after the stream has started', async () => {
    async function* broken() {
      yield 'ok';
      throw new Error('producer failed');
    }
    await expect(drive(new EventSourceResponse(broken(), { ping: 0 }))).rejects.toThrow('producer failed');
  });

  test('HEAD sends the headers only and never runs the producer', async () => {
    let started = false;
    async function* events() {
      started = true;
      yield 'x';
    }
    const res = await drive(new EventSourceResponse(events()), { method: 'HEAD' });
    expect(res.header('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.body.length).toBe(0);
    expect(started).toBe(false);
  });
});

describe('over a real socket', () => {
  let handle: ServerHandle;
  let releaseSecond!: () => void;
  let finallyRan!: () => void;
  let producerFinished: Promise<void>;

  beforeAll(async () => {
    producerFinished = new Promise<void>((resolve) => (finallyRan = resolve));
    const secondMayGo = new Promise<void>((resolve) => (releaseSecond = resolve));
    async function* events() {
      try {
        yield { event: 'first', data: 'one' };
        await secondMayGo;
        yield { event: 'second', data: 'two' };
        for (let i = 0; ; i++) {
          yield { data: `tick ${i}` };
          await sleep(20);
        }
      } finally {
        finallyRan();
      }
    }
    const app: ASGIApp = async (scope, receive, send) => {
      if (scope.type !== 'http') return;
      await new EventSourceResponse(events(), { ping: 0.05 })(scope, receive, send);
    };
    handle = await serve(app, { port: 0, host: '127.0.0.1', lifespan: 'off', accessLog: false, logLevel: 'critical' });
  });

  afterAll(async () => {
    await handle?.close();
  });

  test('each event reaches the client before the next is produced, and a disconnect stops the producer', async () => {
    const controller = new AbortController();
    const res = await request(`${handle.url}/events`, { signal: controller.signal });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-accel-buffering']).toBe('no');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    const reader = res.body[Symbol.asyncIterator]();
    let received = '';
    const readUntil = async (needle: string) => {
      while (!received.includes(needle)) {
        const { value, done } = await reader.next();
        if (done) throw new Error(`stream ended before ${JSON.stringify(needle)}`);
        received += Buffer.from(value as Buffer).toString();
      }
    };
    // The second event waits for us: the first must already be here (no buffering).
    await readUntil('event: first\r\ndata: one\r\n\r\n');
    expect(received).not.toContain('second');
    // While the producer is blocked, pings keep the connection alive.
    await readUntil(': ping - ');
    releaseSecond();
    await readUntil('data: tick 1\r\n\r\n');
    controller.abort();
    await expect(Promise.race([producerFinished.then(() => 'stopped'), sleep(3000).then(() => 'still running')])).resolves.toBe('stopped');
  });
});
