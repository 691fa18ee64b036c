import WebSocket from 'ws';
import type { Receive, Send, WebSocketReceiveMessage, WebSocketScope } from 'asgi-core';
import { latch, rawExchange, startServer, waitFor, type TestServer } from './helpers';

let handler: (scope: WebSocketScope, receive: Receive, send: Send) => Promise<void>;
let server: TestServer;

beforeAll(async () => {
  server = await startServer(async (scope, receive, send) => {
    if (scope.type === 'websocket') await handler(scope, receive, send);
  });
});
afterAll(() => server.close());
beforeEach(() => (server.logs.length = 0));

const wsUrl = (path = '/ws') => server.url.replace('http', 'ws') + path;

function open(path = '/ws', protocols?: string[], headers?: Record<string, string>): WebSocket {
  return new WebSocket(wsUrl(path), protocols, { headers });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

function unexpectedResponse(ws: WebSocket): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => reject(new Error('unexpectedly accepted')));
    ws.on('error', () => {});
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
  });
}

describe('websocket', () => {
  test('accept, echo text and bytes, and close from the client with a code and reason', async () => {
    const received: WebSocketReceiveMessage[] = [];
    const done = latch();
    let seenScope: WebSocketScope | null = null;
    handler = async (scope, receive, send) => {
      seenScope = scope;
      expect(await receive()).toEqual({ type: 'websocket.connect' });
      await send({ type: 'websocket.accept' });
      for (;;) {
        const message = (await receive()) as WebSocketReceiveMessage;
        received.push(message);
        if (message.type !== 'websocket.receive') break;
        if (message.text !== undefined) await send({ type: 'websocket.send', text: `echo: ${message.text}` });
        else await send({ type: 'websocket.send', bytes: message.bytes });
      }
      done.open();
    };
    const ws = open('/ws/caf%C3%A9?token=1');
    const replies: Array<string | Buffer> = [];
    ws.on('message', (data: Buffer, isBinary) => replies.push(isBinary ? data : data.toString()));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send('hello');
    ws.send(Buffer.from([1, 2, 3]));
    await waitFor(() => replies.length === 2);
    ws.close(4001, 'bye');
    await done.promise;
    expect(replies).toEqual(['echo: hello', Buffer.from([1, 2, 3])]);
    expect(received).toEqual([
      { type: 'websocket.receive', text: 'hello' },
      { type: 'websocket.receive', bytes: Buffer.from([1, 2, 3]) },
      { type: 'websocket.disconnect', code: 4001, reason: 'bye' },
    ]);
    expect(seenScope).toMatchObject({
      type: 'websocket',
      scheme: 'ws',
      http_version: '1.1',
      path: '/ws/café',
      raw_path: '/ws/caf%C3%A9',
      query_string: 'token=1',
      subprotocols: [],
      extensions: { 'websocket.http.response': {} },
    });
    expect(server.logs.some((line) => line.includes('"WebSocket /ws/caf%C3%A9?token=1" [accepted]'))).toBe(true);
  });

  test('subprotocols are offered in the scope and the accepted one is negotiated, with extra headers', async () => {
    let offered: string[] = [];
    handler = async (scope, receive, send) => {
      offered = scope.subprotocols;
      await receive();
      await send({ type: 'websocket.accept', subprotocol: 'chat.v2', headers: [['x-server', 'asgi-core']] });
      await send({ type: 'websocket.close', code: 1000 });
    };
    const ws = open('/ws', ['chat.v1', 'chat.v2']);
    const upgrade = new Promise<Record<string, unknown>>((resolve) => ws.once('upgrade', (res) => resolve(res.headers)));
    await new Promise((resolve) => ws.once('open', resolve));
    expect(offered).toEqual(['chat.v1', 'chat.v2']);
    expect(ws.protocol).toBe('chat.v2');
    expect((await upgrade)['x-server']).toBe('asgi-core');
    expect(await closed(ws)).toEqual({ code: 1000, reason: '' });
  });

  test('the app closes with a code and reason; the client sees them and the app gets its own disconnect', async () => {
    let after: WebSocketReceiveMessage | null = null;
    let sendError: unknown = null;
    handler = async (_scope, receive, send) => {
      await receive();
      await send({ type: 'websocket.accept' });
      await send({ type: 'websocket.close', code: 4403, reason: 'not allowed' });
      after = (await receive()) as WebSocketReceiveMessage;
      try {
        await send({ type: 'websocket.send', text: 'too late' });
      } catch (error) {
        sendError = error;
      }
    };
    const ws = open();
    expect(await closed(ws)).toEqual({ code: 4403, reason: 'not allowed' });
    await waitFor(() => sendError !== null);
    expect(after).toEqual({ type: 'websocket.disconnect', code: 4403, reason: 'not allowed' });
    expect(sendError).toMatchObject({ name: 'ResponseAlreadyCompletedError' });
  });

  test('a close before accepting answers 403 and the app receives websocket.disconnect 1006', async () => {
    let after: WebSocketReceiveMessage | null = null;
    handler = async (_scope, receive, send) => {
      await receive();
      await send({ type: 'websocket.close' });
      after = (await receive()) as WebSocketReceiveMessage;
    };
    const response = await unexpectedResponse(open());
    expect(response.status).toBe(403);
    expect(response.body).toBe('');
    await waitFor(() => after !== null);
    expect(after).toEqual({ type: 'websocket.disconnect', code: 1006, reason: '' });
    expect(server.logs.some((line) => line.endsWith('"WebSocket /ws" 403'))).toBe(true);
  });

  test('the websocket.http.response extension sends a real HTTP response instead of the upgrade', async () => {
    handler = async (_scope, receive, send) => {
      await receive();
      await send({ type: 'websocket.http.response.start', status: 401, headers: [['content-type', 'application/json'], ['www-authenticate', 'Bearer']] });
      await send({ type: 'websocket.http.response.body', body: Buffer.from('{"detail":'), more_body: true });
      await send({ type: 'websocket.http.response.body', body: Buffer.from('"Not authenticated"}') });
    };
    const response = await unexpectedResponse(open());
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.headers['content-length']).toBe('30');
    expect(response.body).toBe('{"detail":"Not authenticated"}');
  });

  test('an app that fails before accepting answers 500; after accepting it closes with 1011', async () => {
    handler = async () => {
      throw new Error('handshake boom');
    };
    const response = await unexpectedResponse(open());
    expect(response.status).toBe(500);
    expect(response.body).toBe('Internal Server Error');

    handler = async (_scope, receive, send) => {
      await receive();
      await send({ type: 'websocket.accept' });
      throw new Error('session boom');
    };
    const ws = open();
    ws.on('error', () => {});
    expect((await closed(ws)).code).toBe(1011);
    expect(server.logs.filter((line) => line.startsWith('ERROR:    Exception in ASGI application'))).toHaveLength(2);
  });

  test('an app that returns without accepting answers 500', async () => {
    handler = async (_scope, receive) => {
      await receive();
    };
    const response = await unexpectedResponse(open());
    expect(response.status).toBe(500);
    expect(server.logs).toContain('ERROR:    ASGI callable returned without completing handshake.');
  });

  test('protocol violations raise named errors', async () => {
    const errors: Array<{ name: string; message: string }> = [];
    handler = async (_scope, receive, send) => {
      await receive();
      try {
        await send({ type: 'websocket.send', text: 'before accept' });
      } catch (error) {
        errors.push(error as Error);
      }
      await send({ type: 'websocket.accept' });
      try {
        await send({ type: 'websocket.send' });
      } catch (error) {
        errors.push(error as Error);
      }
      try {
        await send({ type: 'http.response.start', status: 200 } as never);
      } catch (error) {
        errors.push(error as Error);
      }
      await send({ type: 'websocket.close', code: 1000 });
    };
    const ws = open();
    await closed(ws);
    await waitFor(() => errors.length === 3);
    expect(errors.map((error) => [error.name, error.message])).toEqual([
      ['UnexpectedMessageError', "Unexpected ASGI message type 'websocket.send': expected 'websocket.accept', 'websocket.close' or 'websocket.http.response.start'."],
      ['InvalidMessageError', "websocket.send needs exactly one of 'bytes' (Uint8Array) or 'text' (string)."],
      ['UnexpectedMessageError', "Unexpected ASGI message type 'http.response.start': expected 'websocket.send' or 'websocket.close'."],
    ]);
  });

  test('a client that drops the connection delivers websocket.disconnect 1006, and send() then raises', async () => {
    let disconnect: WebSocketReceiveMessage | null = null;
    let sendError: unknown = null;
    handler = async (_scope, receive, send) => {
      await receive();
      await send({ type: 'websocket.accept' });
      disconnect = (await receive()) as WebSocketReceiveMessage;
      try {
        await send({ type: 'websocket.send', text: 'anyone?' });
      } catch (error) {
        sendError = error;
      }
    };
    const ws = open();
    await new Promise((resolve) => ws.once('open', resolve));
    ws.terminate();
    await waitFor(() => sendError !== null);
    expect(disconnect).toEqual({ type: 'websocket.disconnect', code: 1006, reason: '' });
    expect(sendError).toMatchObject({ name: 'ClientDisconnectedError' });
  });

  test('a message larger than wsMaxSize closes the connection with 1009', async () => {
    const small = await startServer(async (scope, receive, send) => {
      if (scope.type !== 'websocket') return;
      await receive();
      await send({ type: 'websocket.accept' });
      while ((await receive()).type !== 'websocket.disconnect');
    }, { wsMaxSize: 1024 });
    try {
      const ws = new WebSocket(small.url.replace('http', 'ws'));
      ws.on('error', () => {});
      await new Promise((resolve) => ws.once('open', resolve));
      const closing = closed(ws);
      ws.send(Buffer.alloc(4096));
      expect((await closing).code).toBe(1009);
    } finally {
      await small.close();
    }
  });

  test('permessage-deflate is negotiated only when wsPerMessageDeflate is on', async () => {
    const app = async (scope: WebSocketScope, receive: Receive, send: Send) => {
      await receive();
      await send({ type: 'websocket.accept' });
      const message = await receive();
      if (message.type === 'websocket.receive') await send({ type: 'websocket.send', text: `echo ${message.text}` });
      while ((await receive()).type !== 'websocket.disconnect');
    };
    for (const [options, extensions] of [[{}, ''], [{ wsPerMessageDeflate: true }, 'permessage-deflate']] as const) {
      const other = await startServer(async (scope, receive, send) => {
        if (scope.type === 'websocket') await app(scope, receive, send);
      }, options);
      try {
        const ws = new WebSocket(other.url.replace('http', 'ws'), { perMessageDeflate: true }); // the client offers it
        await new Promise((resolve) => ws.once('open', resolve));
        expect(ws.extensions).toBe(extensions);
        const reply = new Promise<string>((resolve) => ws.once('message', (data) => resolve(data.toString())));
        ws.send('x'.repeat(4096)); // above ws's compression threshold
        expect(await reply).toBe(`echo ${'x'.repeat(4096)}`);
        ws.close();
      } finally {
        await other.close();
      }
    }
  });

  test('an invalid handshake is answered 400 without calling the app', async () => {
    let called = false;
    handler = async () => {
      called = true;
    };
    const { text } = await rawExchange(server.port, 'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n');
    expect(text.startsWith('HTTP/1.1 400 Bad Request\r\n')).toBe(true);
    expect(text.endsWith('Invalid WebSocket handshake.')).toBe(true);
    expect(called).toBe(false);
  });

  test('server shutdown closes open websockets with 1012 and the app sees it', async () => {
    const events: WebSocketReceiveMessage[] = [];
    const other = await startServer(async (scope, receive, send) => {
      if (scope.type !== 'websocket') return;
      await receive();
      await send({ type: 'websocket.accept' });
      events.push((await receive()) as WebSocketReceiveMessage);
    });
    const ws = new WebSocket(other.url.replace('http', 'ws'));
    await new Promise((resolve) => ws.once('open', resolve));
    const closing = closed(ws);
    await other.close();
    expect((await closing).code).toBe(1012);
    expect(events).toEqual([{ type: 'websocket.disconnect', code: 1012, reason: '' }]);
  });
});
