import { PlainTextResponse, Request, ServerErrorMiddleware, TestClient } from '../../src';
import type { Receive, Scope, Send, SendMessage } from 'asgi-core';

const crash = async () => {
  throw new Error('broken');
};

describe('ServerErrorMiddleware', () => {
  test('answers 500 Internal Server Error and re-raises', async () => {
    const app = new ServerErrorMiddleware(crash);
    await expect(new TestClient(app).get('/')).rejects.toThrow('broken');
    const r = await new TestClient(app, { raiseServerExceptions: false }).get('/');
    expect([r.status, r.text, r.headers.get('content-length')]).toEqual([500, 'Internal Server Error', '21']);
  });

  test('an app that throws before returning a promise gets the same 500, and the error is re-raised', async () => {
    const syncCrash = () => {
      throw new Error('sync broken');
    };
    const app = new ServerErrorMiddleware(syncCrash as unknown as () => Promise<void>);
    await expect(new TestClient(app).get('/')).rejects.toThrow('sync broken');
    const r = await new TestClient(app, { raiseServerExceptions: false }).get('/');
    expect([r.status, r.text]).toEqual([500, 'Internal Server Error']);
  });

  test('after the response started it only re-raises (no second start)', async () => {
    const started = async (_s: Scope, _r: Receive, send: Send) => {
      await send({ type: 'http.response.start', status: 200, headers: [] });
      throw new Error('mid-body');
    };
    const sent: SendMessage[] = [];
    const scope = { type: 'http', method: 'GET', headers: [], path: '/' } as unknown as Scope;
    await expect(new ServerErrorMiddleware(started)(scope, async () => ({ type: 'http.disconnect' }), async (m) => void sent.push(m))).rejects.toThrow('mid-body');
    expect(sent).toEqual([{ type: 'http.response.start', status: 200, headers: [] }]);
  });

  test('a custom handler receives the request and the error', async () => {
    const app = new ServerErrorMiddleware(crash, {
      handler: (request: Request, error: Error) => new PlainTextResponse(`${request.url.path}: ${error.message}`, { status: 503 }),
    });
    const r = await new TestClient(app, { raiseServerExceptions: false }).get('/here');
    expect([r.status, r.text]).toEqual([503, '/here: broken']);
  });

  test('non-Error throws are handled too', async () => {
    const app = new ServerErrorMiddleware(async () => {
      throw 'a string'; // eslint-disable-line no-throw-literal
    }, { debug: true });
    const r = await new TestClient(app, { raiseServerExceptions: false }).get('/');
    expect([r.status, r.text]).toEqual([500, 'a string']);
  });

  test('other scopes pass through untouched', async () => {
    const seen: string[] = [];
    const app = new ServerErrorMiddleware(async (scope) => void seen.push(scope.type));
    await app({ type: 'lifespan', asgi: { version: '3.0', spec_version: '2.0' } }, async () => ({ type: 'lifespan.startup' }), async () => {});
    expect(seen).toEqual(['lifespan']);
  });
});
