// WebSocket routes with parameters and dependencies (tutorial/websockets 002), through
// Starlette's TestClient; a validation failure closes with 1008.
import 'reflect-metadata';
import { z } from 'zod';
import { TestClient, WebSocket, WebSocketDisconnect, status } from 'starlette-ts';
import { Controller, Cookie, Depends, dependency, FastAPI, Int, Path, Query, WebSocketException, WebSocketRoute } from '../src';

const getCookieOrToken = dependency(
  { websocket: WebSocket, session: Cookie(z.string().nullable().default(null)), token: Query(z.string().nullable().default(null)) },
  ({ session, token }) => {
    if (session === null && token === null) throw new WebSocketException(status.WS_1008_POLICY_VIOLATION);
    return session ?? token;
  },
);

@Controller()
class Sockets {
  @WebSocketRoute('/items/{item_id}/ws')
  async endpoint(
    websocket: WebSocket,
    @Path('item_id') itemId: string,
    @Query('q', Int.nullable().default(null)) q: number | null,
    @Depends(getCookieOrToken) cookieOrToken: string,
  ) {
    await websocket.accept();
    try {
      while (true) {
        const data = await websocket.receiveText();
        await websocket.sendText(`Session cookie or query token value is: ${cookieOrToken}`);
        if (q !== null) await websocket.sendText(`Query parameter q is: ${q}`);
        await websocket.sendText(`Message text was: ${data}, for item ID: ${itemId}`);
      }
    } catch (error) {
      if (!(error instanceof WebSocketDisconnect)) throw error;
    }
  }
}

const app = new FastAPI().include(Sockets);
app.websocket('/echo/{n}', { params: { ws: WebSocket, n: Path(Int) } }, async ({ ws, n }) => {
  await ws.accept();
  await ws.sendJson({ n });
  await ws.close();
});

app.websocket('/lit/{v}', { params: { ws: WebSocket, v: Path(z.literal('a')) } }, async ({ ws }) => {
  await ws.accept();
});

describe('WebSocket routes with dependencies (tutorial/websockets 002)', () => {
  const client = new TestClient(app);

  test('with a session cookie', async () => {
    client.setCookie('session', 'fakesession');
    const ws = await client.websocketConnect('/items/foo/ws');
    await ws.sendText('Hello WebSocket');
    expect(await ws.receiveText()).toBe('Session cookie or query token value is: fakesession');
    expect(await ws.receiveText()).toBe('Message text was: Hello WebSocket, for item ID: foo');
    await ws.close();
  });

  test('with a query token and q', async () => {
    const anonymous = new TestClient(app);
    const ws = await anonymous.websocketConnect('/items/bar/ws?q=3&token=some-token');
    await ws.sendText('Hello WebSocket');
    expect(await ws.receiveText()).toBe('Session cookie or query token value is: some-token');
    expect(await ws.receiveText()).toBe('Query parameter q is: 3');
    expect(await ws.receiveText()).toBe('Message text was: Hello WebSocket, for item ID: bar');
    await ws.close();
  });

  test('no credentials: the dependency closes with 1008', async () => {
    const anonymous = new TestClient(app);
    await expect(anonymous.websocketConnect('/items/foo/ws')).rejects.toMatchObject({ code: 1008 });
  });

  test('invalid parameters close with 1008 and the errors as the reason', async () => {
    const anonymous = new TestClient(app);
    const error = (await anonymous.websocketConnect('/echo/abc').catch((e: unknown) => e)) as WebSocketDisconnect;
    expect(error).toBeInstanceOf(WebSocketDisconnect);
    expect(error.code).toBe(1008);
    // The errors do not fit in a close frame (RFC 6455 section 5.5: 123 bytes of reason).
    expect(error.reason).toBe('Request validation failed');
    const short = (await anonymous.websocketConnect('/lit/b').catch((e: unknown) => e)) as WebSocketDisconnect;
    expect(short.code).toBe(1008);
    expect(JSON.parse(short.reason ?? '')).toEqual([{ type: 'literal_error', loc: ['path', 'v'], msg: "Input should be 'a'", input: 'b', ctx: { expected: "'a'" } }]);
  });

  test('the functional websocket API', async () => {
    const ws = await new TestClient(app).websocketConnect('/echo/7');
    expect(await ws.receiveJson()).toEqual({ n: 7 });
  });
});
