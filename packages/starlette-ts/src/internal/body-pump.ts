/**
 * The streamed response shared by StreamingResponse and EventSourceResponse:
 * the start message, then items pulled from an (async) iterator and sent as one
 * body chunk each, until the iterator ends or the client leaves, optionally with
 * pings while the producer is idle; then the end, and the producer closed when
 * it did not run to its end.
 *
 * Per item it costs as little as the loop allows: a synchronous iterator's step
 * is used as it is (no promise, no race: nothing can interleave with it anyway);
 * an asynchronous step is raced against the disconnect (and the ping), and one
 * ping promise serves every step until the ping fires.
 */
import type { Header, Scope, Send, SendMessage } from 'asgi-core';

const DISCONNECT = Symbol('disconnect');
const EMPTY = new Uint8Array(0);
const PING = Symbol('ping');
const ignore = (): void => undefined;

/** A keep-alive sent every `intervalMs` while an asynchronous step is pending. */
export interface Ping {
  intervalMs: number;
  event: () => Uint8Array;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

/** The response around a streamed body, for {@link BodyPump.respond}. */
export interface StreamedResponse {
  status: number;
  headers: Header[];
  /** No body may be sent (a HEAD request, or a status without a body): only the start and the end. */
  bodyless: boolean;
  ping?: Ping;
  /** Names the response in the log line of an iterator that fails while closing. */
  name: string;
  /** Runs once sending has stopped, before the producer is closed. */
  onEnd?: () => void;
}

/** One streamed body, sent by {@link BodyPump.respond}. */
export class BodyPump<T> {
  /** The client left (the disconnect promise settled). */
  private disconnected = false;
  /** A next() is still running: closing the iterator must not wait for it. */
  private pendingNext = false;
  private readonly disconnect: Promise<typeof DISCONNECT>;

  /**
   * @param disconnect settles when the client leaves (never, when there is no way to tell)
   */
  constructor(
    private readonly iterator: AsyncIterator<T> | Iterator<T>,
    private readonly encode: (item: T) => Uint8Array,
    disconnect: Promise<unknown>,
  ) {
    this.disconnect = disconnect.then(() => {
      this.disconnected = true;
      return DISCONNECT;
    });
  }

  /**
   * The whole streamed response (http, or a websocket's denial response): the start message, every
   * item as a `more_body` chunk, then the final empty chunk unless the client left. The producer is
   * closed when the stream did not run to its end (client gone, a failure, or a bodyless response).
   */
  async respond(scope: Scope, send: Send, response: StreamedResponse): Promise<void> {
    const prefix = scope.type === 'websocket' ? 'websocket.' : '';
    const bodyType = `${prefix}http.response.body`;
    const sendTyped = (message: { type: string; [key: string]: unknown }) => send(message as unknown as SendMessage);
    let failed = false;
    try {
      await sendTyped({ type: `${prefix}http.response.start`, status: response.status, headers: response.headers });
      if (!response.bodyless) await this.run((body) => sendTyped({ type: bodyType, body, more_body: true }), response.ping);
      if (!this.disconnected) await sendTyped({ type: bodyType, body: EMPTY, more_body: false });
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      response.onEnd?.();
      if (this.disconnected || failed || response.bodyless) {
        await this.close((error) => console.error(`${response.name} iterator failed while closing:`, error));
      }
    }
  }

  /**
   * Sends every item through `send` (one `more_body` chunk each) until the iterator is done or
   * the client left; a failing send after the client left ends the loop quietly.
   */
  private async run(send: (body: Uint8Array) => Promise<void>, ping?: Ping): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let pinged: Promise<typeof PING> | null = null;
    let firePing: (() => void) | null = null;
    if (ping) {
      timer = setInterval(() => firePing?.(), ping.intervalMs);
      timer.unref();
    }
    try {
      let step: Promise<IteratorResult<T>> | null = null;
      while (!this.disconnected) {
        let result: IteratorResult<T> | typeof PING | undefined;
        if (step === null) {
          const next = this.iterator.next();
          if (isThenable(next)) {
            this.pendingNext = true;
            step = Promise.resolve(next);
            step.catch(ignore); // it may settle after a disconnect won the race
          } else {
            result = next;
          }
        }
        if (step !== null) {
          if (ping) {
            pinged ??= new Promise((resolve) => {
              firePing = () => {
                pinged = firePing = null;
                resolve(PING);
              };
            });
          }
          const settled = await Promise.race(pinged ? [step, this.disconnect, pinged] : [step, this.disconnect]);
          if (settled === DISCONNECT) break;
          result = settled;
          if (result !== PING) {
            step = null;
            this.pendingNext = false;
          }
        }
        let body: Uint8Array;
        if (result === PING) body = ping!.event();
        else if (result!.done) break;
        else body = this.encode(result!.value);
        try {
          await send(body);
        } catch (error) {
          if (this.disconnected) break;
          throw error;
        }
      }
    } finally {
      if (timer) clearInterval(timer);
    }
  }

  /**
   * Stops the producer (`return()`, so its `finally` blocks run) and waits for it, unless a
   * next() is still running: an async generator busy in a step runs return() only once that
   * step settles, and the response must not block on it. Errors while closing go to `onError`.
   */
  private async close(onError: (error: unknown) => void): Promise<void> {
    const closing = Promise.resolve()
      .then(() => this.iterator.return?.())
      .then(ignore, onError);
    if (!this.pendingNext) await closing;
  }
}
