import { type ExceptionHandler, type ExceptionHandlerKey, ExceptionMiddleware, HTTPException, PlainTextResponse, Request, ServerErrorMiddleware, TestClient } from '../../src';
import { ACCEPTS_TEXT, type ASGIApp, type MarkableSend } from 'asgi-core';
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

describe('ServerErrorMiddleware directly around an ExceptionMiddleware', () => {
  // The usual stack: the outer layer does the inner one's work on one send wrapper. Every case must give
  // what the two layers give apart (a middleware between them, or a subclass, keeps them apart).
  class Teapot extends Error {}
  const handlers = new Map<ExceptionHandlerKey, ExceptionHandler>([
    [Teapot, (request: Request) => new PlainTextResponse(`teapot at ${request.url.path}`, { status: 418 })],
    [RangeError, () => {
      throw new TypeError('handler broke');
    }],
    [SyntaxError, () => ({
      call: async (_s: Scope, _r: Receive, send: Send) => {
        await send({ type: 'http.response.start', status: 202, headers: [] });
        throw new Error('handler response broke');
      },
    })],
  ]);
  const routes: Record<string, (send: Send) => Promise<void>> = {
    '/ok': async (send) => {
      await send({ type: 'http.response.start', status: 200, headers: [] });
      await send({ type: 'http.response.body', body: Buffer.from('fine') });
    },
    '/http': async () => {
      throw new HTTPException(409, 'taken');
    },
    '/handled': async () => {
      throw new Teapot();
    },
    '/unhandled': async () => {
      throw new Error('broken');
    },
    '/handler-throws': async () => {
      throw new RangeError('out');
    },
    '/handler-response-fails': async () => {
      throw new SyntaxError('bad');
    },
    '/handled-after-start': async (send) => {
      await send({ type: 'http.response.start', status: 200, headers: [] });
      throw new HTTPException(400);
    },
  };
  const endpoint: ASGIApp = async (scope, _receive, send) => routes[(scope as { path: string }).path](send);
  const passThrough = (app: ASGIApp): ASGIApp => (scope, receive, send) => app(scope, receive, send);
  class SubclassedExceptionMiddleware extends ExceptionMiddleware {}
  const stacks: Record<string, () => ASGIApp> = {
    adjacent: () => new ServerErrorMiddleware(new ExceptionMiddleware(endpoint, { handlers })),
    apart: () => new ServerErrorMiddleware(passThrough(new ExceptionMiddleware(endpoint, { handlers }))),
    subclass: () => new ServerErrorMiddleware(new SubclassedExceptionMiddleware(endpoint, { handlers })),
  };

  async function exchange(app: ASGIApp, path: string): Promise<{ sent: string[]; error: string | null }> {
    const sent: string[] = [];
    const scope = { type: 'http', method: 'GET', headers: [], path, raw_path: path, query_string: '', root_path: '', scheme: 'http', server: ['x', 80] } as unknown as Scope;
    const send = async (m: SendMessage) => {
      sent.push(m.type === 'http.response.start' ? `start ${m.status}` : m.type === 'http.response.body' ? `body ${Buffer.from(m.body ?? []).toString()}` : m.type);
    };
    try {
      await app(scope, async () => ({ type: 'http.request', body: Buffer.alloc(0), more_body: false }), send);
      return { sent, error: null };
    } catch (error) {
      return { sent, error: `${(error as Error).name}: ${(error as Error).message}` };
    }
  }

  test.each(Object.keys(routes))('%s: the same messages and error whether the layers are adjacent or apart', async (path) => {
    const results = await Promise.all(Object.values(stacks).map((build) => exchange(build(), path)));
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  test('what the cases give', async () => {
    const app = stacks.adjacent();
    expect(await exchange(app, '/ok')).toEqual({ sent: ['start 200', 'body fine'], error: null });
    expect(await exchange(app, '/http')).toEqual({ sent: ['start 409', 'body taken'], error: null });
    expect(await exchange(app, '/handled')).toEqual({ sent: ['start 418', 'body teapot at /handled'], error: null });
    expect(await exchange(app, '/unhandled')).toEqual({ sent: ['start 500', 'body Internal Server Error'], error: 'Error: broken' });
    expect(await exchange(app, '/handler-throws')).toEqual({ sent: ['start 500', 'body Internal Server Error'], error: 'TypeError: handler broke' });
    expect(await exchange(app, '/handler-response-fails')).toEqual({ sent: ['start 202'], error: 'Error: handler response broke' });
    expect(await exchange(app, '/handled-after-start')).toEqual({
      sent: ['start 200'],
      error: 'ResponseProtocolError: Caught handled exception, but response already started.',
    });
  });

  test('adjacent, the ExceptionMiddleware\'s own call is not run for HTTP; apart, or for a websocket, it is', async () => {
    const call = jest.spyOn(ExceptionMiddleware.prototype, 'call');
    try {
      await exchange(stacks.adjacent(), '/handled');
      expect(call).not.toHaveBeenCalled();
      await exchange(stacks.apart(), '/handled');
      expect(call).toHaveBeenCalledTimes(1);
      const ws = { type: 'websocket', path: '/ws', headers: [] } as unknown as Scope;
      await stacks.adjacent()(ws, async () => ({ type: 'websocket.disconnect', code: 1000 }), async () => {}).catch(() => undefined);
      expect(call).toHaveBeenCalledTimes(2);
    } finally {
      call.mockRestore();
    }
  });

  test('a whole response sent as one http.response.text counts as started: a later error is raised, not answered', async () => {
    const scope = { type: 'http', method: 'GET', headers: [], path: '/', raw_path: '/', query_string: '', root_path: '', scheme: 'http' } as unknown as Scope;
    const receive = async () => ({ type: 'http.request' as const, body: Buffer.alloc(0), more_body: false });
    for (const late of [new Error('late failure'), new HTTPException(418)]) {
      const sent: string[] = [];
      const send = Object.assign(async (message: { type: string }) => void sent.push(message.type), { [ACCEPTS_TEXT]: true });
      const app: ASGIApp = async (_scope, _receive, inner) => {
        await inner({ type: 'http.response.text', status: 200, headers: [['content-type', 'text/plain']], text: 'done' });
        throw late;
      };
      const stack = new ServerErrorMiddleware(new ExceptionMiddleware(app, { handlers }));
      const outcome = await stack(scope, receive, send).then(() => 'returned', (error: unknown) => error);
      expect(sent).toEqual(['http.response.text']);
      if (late instanceof HTTPException) expect((outcome as Error).message).toBe('Caught handled exception, but response already started.');
      else expect(outcome).toBe(late);
    }
  });

  test('the send reaching the app takes asgi-core\'s text bodies only when the layers are adjacent and the outer send takes them', async () => {
    /** What the app inside `stack` sees of the mark, given an outer send with or without it. */
    async function seenMark(stack: (app: ASGIApp) => ASGIApp, outerMarked: boolean): Promise<unknown> {
      let seen: unknown = 'not reached';
      const app: ASGIApp = async (_scope, _receive, send) => {
        seen = (send as MarkableSend)[ACCEPTS_TEXT];
      };
      const send = Object.assign(async () => {}, outerMarked ? { [ACCEPTS_TEXT]: true } : {});
      const scope = { type: 'http', method: 'GET', headers: [], path: '/', raw_path: '/', query_string: '', root_path: '', scheme: 'http' } as unknown as Scope;
      await stack(app)(scope, async () => ({ type: 'http.request', body: Buffer.alloc(0), more_body: false }), send);
      return seen;
    }
    const adjacent = (app: ASGIApp) => new ServerErrorMiddleware(new ExceptionMiddleware(app, { handlers }));
    expect(await seenMark(adjacent, true)).toBe(true);
    expect(await seenMark(adjacent, false)).toBeUndefined();
    // A middleware in between may wrap send to see the body: what it passes on gets bytes.
    const wrapsSend = (app: ASGIApp): ASGIApp => (scope, receive, send) => app(scope, receive, (message) => send(message));
    expect(await seenMark((app) => new ServerErrorMiddleware(wrapsSend(new ExceptionMiddleware(app, { handlers }))), true)).toBeUndefined();
    expect(await seenMark((app) => new ServerErrorMiddleware(new SubclassedExceptionMiddleware(app, { handlers })), true)).toBeUndefined();
  });
});
