// The receive channel is found through a symbol key on the receive function (docs/benchmarks.md):
// one channel per receive function, shared by the Request and the StreamingResponse, with a
// WeakMap fallback for receive functions that cannot take a property.
import type { HTTPScope, Receive, ReceiveMessage, SendMessage } from 'asgi-core';
import { ReceiveChannel } from '../src/internal/receive-channel';
import { Request, StreamingResponse } from '../src';

function scope(): HTTPScope {
  return {
    type: 'http', asgi: { version: '3.0', spec_version: '2.4' }, http_version: '1.1', method: 'POST', scheme: 'http',
    path: '/', raw_path: '/', query_string: '', root_path: '', headers: [], client: null, server: null,
  };
}

/** A receive delivering `chunks` as body messages, then (optionally) a disconnect. */
function receiveOf(chunks: string[], thenDisconnect = false): Receive {
  let i = 0;
  return async (): Promise<ReceiveMessage> => {
    if (i < chunks.length) {
      const body = Buffer.from(chunks[i++]);
      return { type: 'http.request', body, more_body: i < chunks.length };
    }
    if (thenDisconnect) return { type: 'http.disconnect' };
    return new Promise(() => undefined);
  };
}

describe('ReceiveChannel.of', () => {
  test('returns the same channel for the same receive function and distinct ones for distinct functions', () => {
    const a = receiveOf([]);
    const b = receiveOf([]);
    expect(ReceiveChannel.of(a)).toBe(ReceiveChannel.of(a));
    expect(ReceiveChannel.of(a)).not.toBe(ReceiveChannel.of(b));
  });

  test('adds no enumerable string key to the receive function', () => {
    const receive = receiveOf([]);
    ReceiveChannel.of(receive);
    expect(Object.keys(receive)).toEqual([]);
    expect(JSON.stringify(Object.getOwnPropertyNames(receive).sort())).toBe(JSON.stringify(['length', 'name']));
  });

  test('a frozen receive function still gets one channel (WeakMap fallback) and its body', async () => {
    const receive = Object.freeze(receiveOf(['ab', 'cd']));
    expect(ReceiveChannel.of(receive)).toBe(ReceiveChannel.of(receive));
    const request = new Request(scope(), receive);
    expect(Buffer.from(await request.body()).toString()).toBe('abcd');
  });

  test('the Request and a StreamingResponse on one receive share the channel: the body is not stolen', async () => {
    const receive = receiveOf(['hello ', 'world']);
    const request = new Request(scope(), receive);
    const sent: SendMessage[] = [];
    const response = new StreamingResponse((async function* () {
      // A streaming echo: the iterator reads the body while the response watches for the disconnect.
      for await (const chunk of request.stream()) if (chunk.byteLength > 0) yield chunk;
    })());
    await response(scope(), receive, async (message) => {
      sent.push(message);
    });
    const body = sent.filter((m) => m.type === 'http.response.body').map((m) => Buffer.from((m as { body?: Uint8Array }).body ?? []).toString()).join('');
    expect(body).toBe('hello world');
  });
});

// next() with nobody pulling reads the server's message directly (no pending-reader record).
describe('ReceiveChannel direct reads', () => {
  const text = (message: ReceiveMessage) => (message.type === 'http.request' ? Buffer.from(message.body ?? []).toString() : message.type);

  test('two readers at once get the messages in order, each exactly once', async () => {
    const channel = ReceiveChannel.of(receiveOf(['one', 'two', 'three'], true));
    const results = await Promise.all([channel.next(), channel.next(), channel.next(), channel.next()]);
    expect(results.map(text)).toEqual(['one', 'two', 'three', 'http.disconnect']);
    expect(text(await channel.next())).toBe('http.disconnect');
  });

  test('after a disconnect read directly, a new watcher is resolved at once and reads get the disconnect', async () => {
    let calls = 0;
    const channel = ReceiveChannel.of(async (): Promise<ReceiveMessage> => {
      calls++;
      return { type: 'http.disconnect' };
    });
    expect(text(await channel.next())).toBe('http.disconnect');
    expect(channel.isDisconnected).toBe(true);
    await channel.watch();
    expect(text(await channel.next())).toBe('http.disconnect');
    expect(calls).toBe(1);
  });

  test('a watcher sees the disconnect that a direct read received', async () => {
    let release!: (message: ReceiveMessage) => void;
    const channel = ReceiveChannel.of(() => new Promise<ReceiveMessage>((resolve) => (release = resolve)));
    const read = channel.next(); // the direct read is in flight: the watcher must not pull a second time
    const watched = channel.watch();
    release({ type: 'http.disconnect' });
    expect(text(await read)).toBe('http.disconnect');
    await watched;
  });

  test('an error from receive() reaches the direct reader, every later read, and ends the watch', async () => {
    const failure = new Error('too large');
    let calls = 0;
    const channel = ReceiveChannel.of(async () => {
      calls++;
      throw failure;
    });
    await expect(channel.next()).rejects.toBe(failure);
    await expect(channel.next()).rejects.toBe(failure);
    await channel.watch();
    expect(calls).toBe(1);
  });
});
