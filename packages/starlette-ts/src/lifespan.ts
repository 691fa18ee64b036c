/**
 * The lifespan protocol on the Router side: the TypeScript shape of Starlette's
 * `asynccontextmanager` lifespans is an async generator that yields the state.
 */
import type { LifespanScope, Receive, Send } from 'asgi-core';
import { LifespanError } from './errors';

/** Startup/shutdown hooks as an object (the alternative to a generator). */
export interface LifespanHooks<S = unknown> {
  startup?(): S | void | Promise<S | void>;
  shutdown?(): unknown;
}

/**
 * A lifespan: `async function* (app) { startup; yield state; shutdown }` (the yielded
 * object becomes `scope.state`, reachable as `request.state`), or a function returning
 * an async iterator or `{ startup, shutdown }` hooks.
 *
 * @example
 * const lifespan: Lifespan = async function* (app) {
 *   const db = await connect();
 *   yield { db };
 *   await db.close();
 * };
 */
export type Lifespan<App = any> = (
  app: App,
) => AsyncIterator<unknown> | LifespanHooks | Promise<AsyncIterator<unknown> | LifespanHooks>;

interface Running {
  startup(): Promise<unknown>;
  shutdown(): Promise<void>;
}

async function open(lifespan: Lifespan, app: unknown): Promise<Running> {
  const handle = await lifespan(app);
  if (handle !== null && typeof handle === 'object' && typeof (handle as AsyncIterator<unknown>).next === 'function') {
    const iterator = handle as AsyncIterator<unknown>;
    return {
      async startup() {
        const first = await iterator.next();
        if (first.done) throw new LifespanError("Lifespan generator didn't yield: put `yield` between startup and shutdown");
        return first.value;
      },
      async shutdown() {
        const next = await iterator.next();
        if (!next.done) {
          await iterator.return?.(undefined);
          throw new LifespanError("Lifespan generator didn't stop: it must yield exactly once");
        }
      },
    };
  }
  const hooks = (handle ?? {}) as LifespanHooks;
  return {
    startup: async () => hooks.startup?.(),
    shutdown: async () => {
      await hooks.shutdown?.();
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? String(error)) : String(error);
}

/**
 * Runs the ASGI lifespan conversation for `lifespan`: startup -> `lifespan.startup.complete`
 * (or `.failed` with the error's stack), then shutdown on `lifespan.shutdown`. A failure is
 * reported and re-raised, as Starlette does.
 */
export async function runLifespan(lifespan: Lifespan | undefined, scope: LifespanScope, receive: Receive, send: Send): Promise<void> {
  let started = false;
  await receive();
  try {
    const running = lifespan ? await open(lifespan, scope.app) : undefined;
    const state = running ? await running.startup() : undefined;
    if (state !== undefined && state !== null) {
      if (scope.state === undefined) {
        throw new LifespanError('The server does not support "state" in the lifespan scope.');
      }
      Object.assign(scope.state, state);
    }
    await send({ type: 'lifespan.startup.complete' });
    started = true;
    await receive();
    await running?.shutdown();
  } catch (error) {
    const message = describe(error);
    if (started) await send({ type: 'lifespan.shutdown.failed', message });
    else await send({ type: 'lifespan.startup.failed', message });
    throw error;
  }
  await send({ type: 'lifespan.shutdown.complete' });
}
