import {
  PlainTextResponse,
  Router,
  TestClient,
  WebSocket,
  WebSocketDenialResponse,
  WebSocketDisconnect,
  WebSocketRoute,
  WebSocketState,
  WebSocketStateError,
} from '../src';
import type { Receive, Scope, Send, WebSocketReceiveMessage } from 'asgi-core';

type Session = (ws: WebSocket) => Promise<void>;

/** A raw ASGI app that builds the WebSocket itself (no router in between). */
function appOf(session: Session) {
  return async (scope: Scope, receive: Receive, send: Send) => {
    await session(new WebSocket(scope, receive, send));
  };
}

describe('WebSocket', () => {
  test('accept, then text, bytes and JSON both ways', async () => {
    const client = new TestClient(appOf(async (ws) => {
      await ws.accept();
      await ws.sendText(`echo ${await ws.receiveText()}`);
      const bytes = await ws.receiveBytes();
      await ws.sendBytes(Uint8Array.from([...bytes].reverse()));
      await ws.sendJson({ got: await ws.receiveJson() });
      await ws.sendJson({ mode: 'binary' }, 'binary');
      await ws.close();
    }));
    const session = await client.websocketConnect('/');
    await session.sendText('hello');
    expect(await session.receiveText()).toBe('echo hello');
    await session.sendBytes(Uint8Array.from([1, 2, 3]));
    expect([...(await session.receiveBytes())]).toEqual([3, 2, 1]);
    await session.sendJson({ a: 'ü' });
    expect(await session.receiveJson()).toEqual({ got: { a: 'ü' } });
    expect(await session.receiveJson('binary')).toEqual({ mode: 'binary' });
    await expect(session.receiveText()).rejects.toEqual(new WebSocketDisconnect(1000));
    await session.close();
  });

  test('accept with a subprotocol and extra headers', async () => {
    const client = new TestClient(appOf(async (ws) => {
      expect(ws.scope.subprotocols).toEqual(['wamp', 'chat']);
      await ws.accept('chat', { 'X-Extra': 'yes' });
      await ws.close();
    }));
    const session = await client.websocketConnect('/', { subprotocols: ['wamp', 'chat'] });
    expect(session.acceptedSubprotocol).toBe('chat');
    expect(session.extraHeaders).toEqual([['x-extra', 'yes']]);
    await session.close();
  });

  test('iterText ends quietly when the client disconnects', async () => {
    const received: string[] = [];
    let ended!: () => void;
    const done = new Promise<void>((r) => (ended = r));
    const client = new TestClient(appOf(async (ws) => {
      await ws.accept();
      for await (const text of ws.iterText()) received.push(text);
      expect(ws.clientState).toBe(WebSocketState.DISCONNECTED);
      ended();
    }));
    const session = await client.websocketConnect('/');
    await session.sendText('a');
    await session.sendText('b');
    await session.close(1001);
    await done;
    expect(received).toEqual(['a', 'b']);
  });

  test('receive helpers raise WebSocketDisconnect with the close code and reason', async () => {
    let error: unknown;
    const client = new TestClient(appOf(async (ws) => {
      await ws.accept();
      try {
        await ws.receiveText();
      } catch (e) {
        error = e;
      }
    }));
    const session = await client.websocketConnect('/');
    await session.close(4001, 'bye');
    expect(error).toBeInstanceOf(WebSocketDisconnect);
    expect(error).toMatchObject({ code: 4001, reason: 'bye' });
  });

  test('sending before accept is a state error', async () => {
    const client = new TestClient(appOf(async (ws) => {
      await ws.sendText('too early');
    }));
    await expect(client.websocketConnect('/')).rejects.toThrow(
      'Expected ASGI message "websocket.accept", "websocket.close" or "websocket.http.response.start", but got "websocket.send"',
    );
  });

  test('receiveText before accept says to accept first', async () => {
    const client = new TestClient(appOf(async (ws) => {
      await ws.receiveText();
    }));
    await expect(client.websocketConnect('/')).rejects.toThrow('WebSocket is not connected. Need to call "accept" first.');
  });

  test('sending after close is a state error', async () => {
    let error: unknown;
    const client = new TestClient(appOf(async (ws) => {
      await ws.accept();
      await ws.close();
      try {
        await ws.sendText('late');
      } catch (e) {
        error = e;
      }
    }));
    const session = await client.websocketConnect('/');
    await expect(session.receiveText()).rejects.toBeInstanceOf(WebSocketDisconnect);
    await session.close();
    expect(error).toBeInstanceOf(WebSocketStateError);
    expect((error as Error).message).toBe('Cannot call "send" once a close message has been sent.');
  });

  test('closing before accept rejects the handshake', async () => {
    const client = new TestClient(appOf(async (ws) => ws.close(1008, 'go away')));
    await expect(client.websocketConnect('/')).rejects.toMatchObject({ code: 1008, reason: 'go away' });
  });

  test('a denial response reaches the client as WebSocketDenialResponse', async () => {
    const client = new TestClient(appOf(async (ws) => {
      await ws.sendDenialResponse(new PlainTextResponse('no entry', { status: 403, headers: { 'x-why': 'auth' } }));
    }));
    const error = await client.websocketConnect('/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebSocketDenialResponse);
    const denial = error as WebSocketDenialResponse;
    expect([denial.status, denial.text, denial.headers.get('x-why')]).toEqual([403, 'no entry', 'auth']);
  });

  test('a wrong message type from the client is reported', async () => {
    const client = new TestClient(appOf(async (ws) => {
      await ws.accept();
      await ws.receiveText();
    }));
    const session = await client.websocketConnect('/');
    session.send({ type: 'websocket.connect' });
    await expect(session.close()).rejects.toThrow('Expected ASGI message "websocket.receive" or "websocket.disconnect", but got "websocket.connect"');
  });

  test('invalid JSON from the client surfaces as a SyntaxError in the app', async () => {
    const client = new TestClient(new Router({ routes: [new WebSocketRoute('/', async (ws: WebSocket) => {
      await ws.accept();
      await ws.receiveJson();
    })] }));
    const session = await client.websocketConnect('/');
    await session.sendText('{nope');
    await expect(session.close()).rejects.toThrow(SyntaxError);
  });

  test('the helpers reject, never throw, and a failing transport is a 1006 disconnect', async () => {
    const scope = { type: 'websocket', path: '/', headers: [] } as unknown as Scope;
    const messages: WebSocketReceiveMessage[] = [{ type: 'websocket.connect' }, { type: 'websocket.disconnect', code: 1001, reason: 'gone' }];
    let transport: (message: unknown) => Promise<void> = async () => {};
    const ws = new WebSocket(scope, async () => messages.shift()!, (message) => transport(message));
    // Before accept: a promise rejected with the state error, not a synchronous throw.
    const early = ws.sendText('early');
    await expect(early).rejects.toThrow('but got "websocket.send"');
    await expect(ws.receiveText()).rejects.toThrow('Need to call "accept" first');
    await ws.accept();
    // The transport throws synchronously, then rejects: both become WebSocketDisconnect(1006).
    transport = () => {
      throw new Error('socket gone');
    };
    const thrown = ws.sendBytes(new Uint8Array([1]));
    await expect(thrown).rejects.toEqual(new WebSocketDisconnect(1006));
    expect(ws.applicationState).toBe(WebSocketState.DISCONNECTED);
    const again = new WebSocket(scope, async () => ({ type: 'websocket.connect' }), (message) => transport(message));
    transport = async () => {};
    await again.accept();
    transport = () => Promise.reject(new Error('reset'));
    await expect(again.sendText('x')).rejects.toEqual(new WebSocketDisconnect(1006));
    // A protocol error from below passes through as it is.
    const third = new WebSocket(scope, async () => ({ type: 'websocket.connect' }), (message) => transport(message));
    transport = () => Promise.reject(new WebSocketStateError('below'));
    await expect(third.accept()).rejects.toThrow('below');
    expect(third.applicationState).toBe(WebSocketState.CONNECTED);
    // Sending failed, so the text helpers refuse; the disconnect still arrives, and receiving after it is a state error.
    await expect(ws.receiveText()).rejects.toThrow('Need to call "accept" first');
    await expect(ws.receive()).resolves.toEqual({ type: 'websocket.disconnect', code: 1001, reason: 'gone' });
    expect(ws.clientState).toBe(WebSocketState.DISCONNECTED);
    await expect(ws.receive()).rejects.toThrow('Cannot call "receive" once a disconnect message has been received.');
  });

  test('WebSocket rejects non-websocket scopes', () => {
    expect(() => new WebSocket({ type: 'http' } as Scope, async () => ({ type: 'http.disconnect' }), async () => {})).toThrow(
      'WebSocket needs a websocket scope, got "http"',
    );
  });
});
