import { LifespanError, Router } from '../src';
import type { LifespanSendMessage, ReceiveMessage, SendMessage } from 'asgi-core';

/** Runs a router's lifespan conversation with scripted server messages. */
async function converse(router: Router, state: Record<string, unknown> | undefined = {}) {
  const incoming: ReceiveMessage[] = [{ type: 'lifespan.startup' }, { type: 'lifespan.shutdown' }];
  const sent: SendMessage[] = [];
  let error: unknown;
  try {
    await router({ type: 'lifespan', asgi: { version: '3.0', spec_version: '2.0' }, state }, async () => incoming.shift()!, async (m) => void sent.push(m));
  } catch (e) {
    error = e;
  }
  return { sent: sent.map((m) => (m as LifespanSendMessage).type), messages: sent, error, state };
}

describe('lifespan', () => {
  test('without a lifespan the router still completes startup and shutdown', async () => {
    expect((await converse(new Router())).sent).toEqual(['lifespan.startup.complete', 'lifespan.shutdown.complete']);
  });

  test('an async generator: startup, yielded state merged into scope.state, shutdown', async () => {
    const steps: string[] = [];
    const router = new Router({
      lifespan: async function* () {
        steps.push('startup');
        yield { pool: 'p' };
        steps.push('shutdown');
      },
    });
    const result = await converse(router, { existing: 1 });
    expect(result.sent).toEqual(['lifespan.startup.complete', 'lifespan.shutdown.complete']);
    expect(result.state).toEqual({ existing: 1, pool: 'p' });
    expect(steps).toEqual(['startup', 'shutdown']);
  });

  test('a plain async function returning an async iterator works', async () => {
    const steps: string[] = [];
    async function* inner() {
      steps.push('up');
      yield;
      steps.push('down');
    }
    const result = await converse(new Router({ lifespan: async () => inner() }));
    expect(result.sent).toEqual(['lifespan.startup.complete', 'lifespan.shutdown.complete']);
    expect(steps).toEqual(['up', 'down']);
  });

  test('startup errors are reported as lifespan.startup.failed with the stack, then re-raised', async () => {
    const router = new Router({ lifespan: () => ({ startup: () => { throw new TypeError('bad config'); } }) });
    const result = await converse(router);
    expect(result.sent).toEqual(['lifespan.startup.failed']);
    expect((result.messages[0] as { message: string }).message).toMatch(/^TypeError: bad config\n\s+at /);
    expect(result.error).toBeInstanceOf(TypeError);
  });

  test('shutdown errors are reported as lifespan.shutdown.failed', async () => {
    const router = new Router({ lifespan: () => ({ shutdown: async () => { throw new Error('close failed'); } }) });
    const result = await converse(router);
    expect(result.sent).toEqual(['lifespan.startup.complete', 'lifespan.shutdown.failed']);
    expect((result.error as Error).message).toBe('close failed');
  });

  test('a generator yielding twice is a shutdown failure', async () => {
    const router = new Router({
      lifespan: async function* () {
        yield;
        yield;
      },
    });
    const result = await converse(router);
    expect(result.sent).toEqual(['lifespan.startup.complete', 'lifespan.shutdown.failed']);
    expect(result.error).toBeInstanceOf(LifespanError);
    expect((result.error as Error).message).toBe("Lifespan generator didn't stop: it must yield exactly once");
  });
});
