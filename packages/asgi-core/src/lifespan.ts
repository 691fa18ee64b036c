/**
 * The ASGI lifespan protocol (uvicorn's `LifespanOn`): startup before the
 * server listens, shutdown after it drained, and the `state` dict the app
 * fills at startup, shared shallowly into every connection scope.
 */
import type { LifespanMode } from './config';
import { LifespanProtocolError, LifespanStartupError } from './errors';
import { LIFESPAN_ASGI_INFO } from './internal/scope';
import type { Logger } from './logging';
import type { ASGIApp, LifespanReceiveMessage, LifespanScope, LifespanSendMessage, SendMessage } from './types';

const TRANSITION_ERROR = 'Got invalid state transition on lifespan protocol.';

/** Drives one app's lifespan: `await startup()`, serve, `await shutdown()`. */
export class Lifespan {
  /** What the app stored at startup; each connection scope gets a shallow copy. */
  readonly state: Record<string, unknown> = {};
  /** The app raised while handling lifespan (so it does not support it, or failed). */
  errorOccurred = false;
  /** The app sent `lifespan.startup.failed`. */
  startupFailed = false;
  /** The app sent `lifespan.shutdown.failed`. */
  shutdownFailed = false;

  private readonly queue: LifespanReceiveMessage[] = [];
  private queueWaiter: ((message: LifespanReceiveMessage) => void) | null = null;
  private startupDone = false;
  private shutdownDone = false;
  private startupSettled: () => void = () => {};
  private shutdownSettled: () => void = () => {};
  private readonly startupEvent = new Promise<void>((resolve) => (this.startupSettled = resolve));
  private readonly shutdownEvent = new Promise<void>((resolve) => (this.shutdownSettled = resolve));
  private failureMessage = '';
  private running = false;
  private shutdownRequested = false;

  constructor(
    private readonly app: ASGIApp,
    private readonly mode: LifespanMode,
    private readonly logger: Logger,
  ) {}

  /**
   * Sends `lifespan.startup` and waits for the app's answer. Throws
   * {@link LifespanStartupError} when startup failed (or, with mode `on`, when the app raised).
   */
  async startup(): Promise<void> {
    if (this.mode === 'off' || this.running) return;
    this.running = true;
    this.logger.info('Waiting for application startup.');
    void this.main();
    this.put({ type: 'lifespan.startup' });
    await this.startupEvent;
    if (this.startupFailed || (this.errorOccurred && this.mode === 'on')) {
      this.logger.error('Application startup failed. Exiting.');
      throw new LifespanStartupError(
        this.failureMessage ? `Application startup failed: ${this.failureMessage}` : 'Application startup failed.',
      );
    }
    this.logger.info('Application startup complete.');
  }

  /** Sends `lifespan.shutdown` and waits for the app; a failure is logged, never thrown. */
  async shutdown(): Promise<void> {
    if (this.mode === 'off' || this.errorOccurred || !this.running || this.shutdownRequested) return;
    this.shutdownRequested = true;
    this.logger.info('Waiting for application shutdown.');
    this.put({ type: 'lifespan.shutdown' });
    await this.shutdownEvent;
    if (this.shutdownFailed || (this.errorOccurred && this.mode === 'on')) {
      this.logger.error('Application shutdown failed. Exiting.');
    } else {
      this.logger.info('Application shutdown complete.');
    }
  }

  private async main(): Promise<void> {
    const scope: LifespanScope = { type: 'lifespan', asgi: LIFESPAN_ASGI_INFO, state: this.state };
    try {
      await this.app(scope, () => this.receive(), (message: SendMessage) => this.send(message as LifespanSendMessage));
    } catch (error) {
      this.errorOccurred = true;
      if (!this.startupFailed && !this.shutdownFailed) {
        if (this.mode === 'auto') {
          this.logger.info("ASGI 'lifespan' protocol appears unsupported.");
        } else {
          this.logger.error("Exception in 'lifespan' protocol", error);
          if (!this.failureMessage) this.failureMessage = error instanceof Error ? error.message : String(error);
        }
      }
    } finally {
      this.startupSettled();
      this.shutdownSettled();
    }
  }

  private put(message: LifespanReceiveMessage): void {
    const waiter = this.queueWaiter;
    if (waiter) {
      this.queueWaiter = null;
      waiter(message);
    } else {
      this.queue.push(message);
    }
  }

  private receive(): Promise<LifespanReceiveMessage> {
    const next = this.queue.shift();
    if (next) return Promise.resolve(next);
    return new Promise((resolve) => (this.queueWaiter = resolve));
  }

  private async send(message: LifespanSendMessage): Promise<void> {
    switch (message?.type) {
      case 'lifespan.startup.complete':
      case 'lifespan.startup.failed':
        if (this.startupDone || this.shutdownDone) throw new LifespanProtocolError(TRANSITION_ERROR);
        this.startupDone = true;
        if (message.type === 'lifespan.startup.failed') {
          this.startupFailed = true;
          this.failureMessage = message.message ?? '';
          if (message.message) this.logger.error(message.message);
        }
        this.startupSettled();
        return;
      case 'lifespan.shutdown.complete':
      case 'lifespan.shutdown.failed':
        if (!this.startupDone || this.shutdownDone) throw new LifespanProtocolError(TRANSITION_ERROR);
        this.shutdownDone = true;
        if (message.type === 'lifespan.shutdown.failed') {
          this.shutdownFailed = true;
          if (message.message) this.logger.error(message.message);
        }
        this.shutdownSettled();
        return;
      default:
        throw new LifespanProtocolError(
          `Unexpected ASGI message type '${String((message as { type?: unknown })?.type)}' on the lifespan scope: expected 'lifespan.startup.complete', 'lifespan.startup.failed', 'lifespan.shutdown.complete' or 'lifespan.shutdown.failed'.`,
        );
    }
  }
}
