import { request } from 'undici';
import { Lifespan, Logger, type ASGIApp, type LifespanMode, type Scope } from 'asgi-core';
import { sendText, startServer } from './helpers';

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: new Logger({ level: 'debug', sink: (line) => lines.push(line) }), lines };
}

/** A lifespan app that records events and answers as told. */
function lifespanApp(events: string[], behaviour: { failStartup?: string; failShutdown?: string } = {}): ASGIApp {
  return async (scope: Scope, receive, send) => {
    if (scope.type === 'lifespan') {
      for (;;) {
        const message = await receive();
        events.push(message.type);
        if (message.type === 'lifespan.startup') {
          if (behaviour.failStartup !== undefined) {
            await send({ type: 'lifespan.startup.failed', message: behaviour.failStartup });
            return;
          }
          scope.state!.db = 'connected';
          scope.state!.counter = { hits: 0 };
          await send({ type: 'lifespan.startup.complete' });
        } else {
          if (behaviour.failShutdown !== undefined) await send({ type: 'lifespan.shutdown.failed', message: behaviour.failShutdown });
          else await send({ type: 'lifespan.shutdown.complete' });
          return;
        }
      }
    }
    if (scope.type === 'http') {
      const state = scope.state as { db: string; counter: { hits: number }; local?: string };
      state.counter.hits++;
      const body = `${state.db} ${state.counter.hits} ${state.local ?? 'unset'}`;
      state.local = 'set by request';
      events.push(`request:${body}`);
      await sendText(send, 200, body);
    }
  };
}

describe('lifespan', () => {
  test('startup runs before listening, state is shallow-copied into each request, shutdown runs on close', async () => {
    const events: string[] = [];
    const server = await startServer(lifespanApp(events), { lifespan: 'on' });
    expect(events).toEqual(['lifespan.startup']);
    const first = await request(server.url);
    expect(await first.body.text()).toBe('connected 1 unset');
    // A key set on one request's state does not leak into the next; shared objects are shared (shallow copy).
    const second = await request(server.url);
    expect(await second.body.text()).toBe('connected 2 unset');
    await server.close();
    expect(events[events.length - 1]).toBe('lifespan.shutdown');
    expect(server.logs).toEqual(
      expect.arrayContaining([
        'INFO:     Waiting for application startup.',
        'INFO:     Application startup complete.',
        'INFO:     Waiting for application shutdown.',
        'INFO:     Application shutdown complete.',
      ]),
    );
  });

  test('startup.failed rejects serve() with LifespanStartupError and holds no port', async () => {
    const events: string[] = [];
    const error = await startServer(lifespanApp(events, { failStartup: 'database unreachable' }), { lifespan: 'auto' }).catch((e) => e);
    expect(error).toMatchObject({
      name: 'LifespanStartupError',
      code: 'LIFESPAN_STARTUP_FAILED',
      message: 'Application startup failed: database unreachable',
    });
    expect(events).toEqual(['lifespan.startup']);
  });

  test("mode 'auto': an app that raises on the lifespan scope is treated as not supporting it", async () => {
    const { logger, lines } = capture();
    const app: ASGIApp = async (scope, _receive, send) => {
      if (scope.type === 'lifespan') throw new Error('no lifespan here');
      await sendText(send, 200, 'still served');
    };
    const server = await startServer(app, { lifespan: 'auto', logger });
    try {
      const res = await request(server.url);
      expect(await res.body.text()).toBe('still served');
      expect(lines).toContain("INFO:     ASGI 'lifespan' protocol appears unsupported.");
    } finally {
      await server.close();
    }
    expect(lines).not.toContain('INFO:     Waiting for application shutdown.');
  });

  test("mode 'on': an app that raises on the lifespan scope fails startup, with the exception logged", async () => {
    const { logger, lines } = capture();
    const app: ASGIApp = async (scope) => {
      if (scope.type === 'lifespan') throw new Error('no lifespan here');
    };
    const error = await startServer(app, { lifespan: 'on', logger }).catch((e) => e);
    expect(error).toMatchObject({ name: 'LifespanStartupError', message: 'Application startup failed: no lifespan here' });
    expect(lines.find((line) => line.startsWith("ERROR:    Exception in 'lifespan' protocol\nError: no lifespan here"))).toBeDefined();
    expect(lines).toContain('ERROR:    Application startup failed. Exiting.');
  });

  test("mode 'off': the app never sees a lifespan scope", async () => {
    const seen: string[] = [];
    const server = await startServer(async (scope, _receive, send) => {
      seen.push(scope.type);
      if (scope.type === 'http') await sendText(send, 200, 'ok');
    }, { lifespan: 'off' });
    await (await request(server.url)).body.text();
    await server.close();
    expect(seen).toEqual(['http']);
  });

  test('shutdown.failed is logged but does not throw', async () => {
    const { logger, lines } = capture();
    const lifespan = new Lifespan(lifespanApp([], { failShutdown: 'flush failed' }), 'on', logger);
    await lifespan.startup();
    await expect(lifespan.shutdown()).resolves.toBeUndefined();
    expect(lines).toEqual(expect.arrayContaining(['ERROR:    flush failed', 'ERROR:    Application shutdown failed. Exiting.']));
  });

  test('an out-of-order lifespan message raises LifespanProtocolError', async () => {
    const { logger } = capture();
    let error: unknown = null;
    const app: ASGIApp = async (scope, receive, send) => {
      if (scope.type !== 'lifespan') return;
      await receive();
      try {
        await send({ type: 'lifespan.shutdown.complete' });
      } catch (caught) {
        error = caught;
      }
      await send({ type: 'lifespan.startup.complete' });
      await receive();
      await send({ type: 'lifespan.shutdown.complete' });
    };
    const lifespan = new Lifespan(app, 'on', logger);
    await lifespan.startup();
    await lifespan.shutdown();
    expect(error).toMatchObject({ name: 'LifespanProtocolError', message: 'Got invalid state transition on lifespan protocol.' });
  });

  test.each<LifespanMode>(['auto', 'on'])("mode '%s': an app that returns without answering lets the server start", async (mode) => {
    const server = await startServer(async (scope, _receive, send) => {
      if (scope.type === 'http') await sendText(send, 200, 'ok');
    }, { lifespan: mode });
    const res = await request(server.url);
    expect(await res.body.text()).toBe('ok');
    await server.close();
  });
});

describe('Lifespan without a startup', () => {
  test('shutdown() before startup() returns at once and never calls the app', async () => {
    let calls = 0;
    const lifespan = new Lifespan(async () => {
      calls++;
    }, 'on', new Logger({ sink: () => {} }));
    await lifespan.shutdown();
    expect(calls).toBe(0);
  });
});
