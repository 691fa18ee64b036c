// Dependencies with yield (tutorial/dependencies 007-008e and FastAPI's
// test_dependency_contextmanager): values, cleanup order and timing, errors
// thrown into the generators, HTTPException from cleanup, swallowed errors.
import 'reflect-metadata';
import { BackgroundTasks, Depends, dependency, FastAPI, HTTPException, Int, Path, Query } from '../src';
import { StreamingResponse } from 'starlette-ts';
import { call } from './helpers';

class OwnerError extends Error {}
class InternalError extends Error {}

const data: Record<string, { description: string; owner: string }> = {
  plumbus: { description: 'Freshly pickled plumbus', owner: 'Morty' },
  'portal-gun': { description: 'Gun to create portals', owner: 'Rick' },
};

function itemsApp(getUsername: ReturnType<typeof dependency<Record<never, never>, unknown>>, error: new (m: string) => Error) {
  const app = new FastAPI();
  app.get('/items/{item_id}', { params: { item_id: Path(), username: Depends(getUsername) } }, ({ item_id, username }) => {
    if (!(item_id in data)) throw new HTTPException(404, 'Item not found');
    const item = data[item_id];
    if (item.owner !== username) throw new error(String(username));
    return item;
  });
  return app;
}

describe('errors thrown into generators (tutorial/dependencies 008b-008d)', () => {
  const converting = dependency({}, function* () {
    try {
      yield 'Rick';
    } catch (e) {
      if (e instanceof OwnerError) throw new HTTPException(400, `Owner error: ${e.message}`);
      throw e;
    }
  });
  const app = itemsApp(converting, OwnerError);

  test('an HTTPException of the handler passes through the generator', async () => {
    const r = await call(app, 'GET', '/items/foo');
    expect([r.status, r.json()]).toEqual([404, { detail: 'Item not found' }]);
  });

  test('the generator converts the error into an HTTPException', async () => {
    const r = await call(app, 'GET', '/items/plumbus');
    expect([r.status, r.json()]).toEqual([400, { detail: 'Owner error: Rick' }]);
  });

  test('the happy path', async () => {
    const r = await call(app, 'GET', '/items/portal-gun');
    expect([r.status, r.json()]).toEqual([200, { description: 'Gun to create portals', owner: 'Rick' }]);
  });

  test('a generator that swallows the error makes a server error (008c)', async () => {
    const swallowing = dependency({}, function* () {
      try {
        yield 'Rick';
      } catch {
        // "Oops, we didn't raise again, Britney"
      }
    });
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const r = await call(itemsApp(swallowing, InternalError), 'GET', '/items/plumbus');
      expect(r.status).toBe(500);
      expect((r.error as { code: string }).code).toBe('dependency_swallowed_error');
    } finally {
      spy.mockRestore();
    }
  });

  test('a generator that re-raises keeps the original error (008d)', async () => {
    const reraising = dependency({}, async function* () {
      try {
        yield 'Rick';
      } catch (e) {
        throw e;
      }
    });
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const r = await call(itemsApp(reraising, InternalError), 'GET', '/items/plumbus');
      expect(r.status).toBe(500);
      expect(r.error).toBeInstanceOf(InternalError);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('cleanup order and timing', () => {
  function orderedApp(events: string[], scope: 'request' | 'function' = 'request') {
    const depA = dependency({}, async function* () {
      events.push('a enter');
      try {
        yield 'A';
      } finally {
        events.push('a exit');
      }
    });
    const depB = dependency({ a: Depends(depA) }, function* ({ a }) {
      events.push('b enter');
      try {
        yield `${a}B`;
      } finally {
        events.push('b exit');
      }
    });
    const depC = dependency({ b: Depends(depB, { scope }) }, async function* ({ b }) {
      events.push('c enter');
      try {
        yield `${b}C`;
      } catch (e) {
        events.push(`c caught ${(e as Error).message}`);
        throw e;
      } finally {
        events.push('c exit');
      }
    });
    const app = new FastAPI();
    app.get('/ok', { params: { c: Depends(depC), tasks: BackgroundTasks } }, ({ c, tasks }) => {
      events.push('handler');
      tasks.addTask(() => void events.push('background'));
      return c;
    });
    app.get('/fail', { params: { c: Depends(depC) } }, () => {
      events.push('handler');
      throw new HTTPException(418, 'teapot');
    });
    return app;
  }

  async function run(app: FastAPI, path: string, events: string[]): Promise<number> {
    let status = 0;
    await app(
      { type: 'http', asgi: { version: '3.0', spec_version: '2.4' }, http_version: '1.1', method: 'GET', scheme: 'http', path, raw_path: path, query_string: '', root_path: '', headers: [], client: null, server: null },
      async () => new Promise(() => undefined),
      async (m) => {
        if (m.type === 'http.response.start') status = m.status;
        if (m.type === 'http.response.body') events.push('response sent');
      },
    );
    return status;
  }

  test('request-scoped exits run after the response and background tasks, in reverse order', async () => {
    const events: string[] = [];
    expect(await run(orderedApp(events), '/ok', events)).toBe(200);
    expect(events).toEqual(['a enter', 'b enter', 'c enter', 'handler', 'response sent', 'background', 'c exit', 'b exit', 'a exit']);
  });

  test('function-scoped exits run before the response is sent', async () => {
    const events: string[] = [];
    expect(await run(orderedApp(events, 'function'), '/ok', events)).toBe(200);
    expect(events).toEqual(['a enter', 'b enter', 'c enter', 'handler', 'b exit', 'response sent', 'background', 'c exit', 'a exit']);
  });

  test('on an error every generator sees it, in reverse order, before the error response', async () => {
    const events: string[] = [];
    expect(await run(orderedApp(events), '/fail', events)).toBe(418);
    expect(events).toEqual(['a enter', 'b enter', 'c enter', 'handler', 'c caught 418: teapot', 'c exit', 'b exit', 'a exit', 'response sent']);
  });

  test('generators are closed when validation fails after they were entered', async () => {
    const events: string[] = [];
    const gen = dependency({}, function* () {
      try {
        yield 1;
      } finally {
        events.push('closed');
      }
    });
    const app = new FastAPI();
    app.get('/v', { params: { g: Depends(gen), n: Query(Int) } }, () => 'never');
    const r = await call(app, 'GET', '/v?n=x');
    expect(r.status).toBe(422);
    expect(events).toEqual(['closed']);
  });

  test('a generator that never yields is a server error naming it', async () => {
    const noYield = dependency({}, function* noYieldDep() {
      return;
    });
    const app = new FastAPI();
    app.get('/n', { params: { x: Depends(noYield) } }, () => 'never');
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const r = await call(app, 'GET', '/n');
      expect(r.status).toBe(500);
      expect(String(r.error)).toContain('returned without yielding');
    } finally {
      spy.mockRestore();
    }
  });

  test('each request gets its own generator instance and value', async () => {
    let n = 0;
    const session = dependency({}, async function* () {
      const id = ++n;
      yield { id };
    });
    const app = new FastAPI();
    app.get('/s', { params: { s: Depends(session), again: Depends(session) } }, ({ s, again }) => ({ same: s === again, id: s.id }));
    expect((await call(app, 'GET', '/s')).json()).toEqual({ same: true, id: 1 });
    expect((await call(app, 'GET', '/s')).json()).toEqual({ same: true, id: 2 });
  });
});

describe('streaming responses and request-scoped cleanup', () => {
  test('the resource stays open until the stream has been sent (FastAPI 0.118+)', async () => {
    const events: string[] = [];
    const resource = dependency({}, async function* () {
      events.push('open');
      try {
        yield { read: (i: number) => `chunk${i};` };
      } finally {
        events.push('close');
      }
    });
    const app = new FastAPI();
    app.get('/stream', { params: { r: Depends(resource) } }, ({ r }) =>
      new StreamingResponse(
        (function* () {
          for (let i = 0; i < 3; i++) {
            events.push(`send ${i}`);
            yield r.read(i);
          }
        })(),
        { mediaType: 'text/plain' },
      ),
    );
    const res = await call(app, 'GET', '/stream');
    expect([res.status, res.text]).toEqual([200, 'chunk0;chunk1;chunk2;']);
    expect(events).toEqual(['open', 'send 0', 'send 1', 'send 2', 'close']);
  });
});

test('a generator that yields twice is a server error naming it', async () => {
  const twice = dependency({}, function* twiceDep() {
    yield 1;
    yield 2;
  });
  const app = new FastAPI();
  app.get('/t', { params: { x: Depends(twice) } }, ({ x }) => x);
  const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    const r = await call(app, 'GET', '/t');
    // The response was sent before the request-scoped exit ran; the error surfaces afterwards.
    expect([r.status, r.json()]).toEqual([200, 1]);
    expect((r.error as { code: string }).code).toBe('dependency_yield');
    expect(String(r.error)).toContain('twiceDep');
  } finally {
    spy.mockRestore();
  }
});
