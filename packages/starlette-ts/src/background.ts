/**
 * Work that runs after the response was sent, as Starlette's `starlette.background`.
 */

/** Any function a background task can run; its result (or promise) is awaited. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TaskFunction<A extends unknown[] = any[]> = (...args: A) => unknown;

/**
 * One function call deferred until the response has been sent.
 *
 * @example
 * new JSONResponse({ ok: true }, { background: new BackgroundTask(sendEmail, 'a@b.c') });
 */
export class BackgroundTask {
  /** The function to run. */
  readonly func: TaskFunction;
  /** The arguments it is called with. */
  readonly args: unknown[];

  constructor(func: TaskFunction, ...args: unknown[]) {
    this.func = func;
    this.args = args;
  }

  /** Runs the task; a failure propagates to the caller. */
  async run(): Promise<void> {
    await this.func(...this.args);
  }
}

/**
 * An ordered list of background tasks, run one after the other after the response.
 *
 * @example
 * const tasks = new BackgroundTasks();
 * tasks.addTask(writeLog, 'created');
 * return new JSONResponse(item, { background: tasks });
 */
export class BackgroundTasks extends BackgroundTask {
  /** The queued tasks, in order. */
  readonly tasks: BackgroundTask[];

  constructor(tasks: Iterable<BackgroundTask> = []) {
    super(() => undefined);
    this.tasks = [...tasks];
  }

  /** Queues `func(...args)` to run after the response. */
  addTask<A extends unknown[]>(func: (...args: A) => unknown, ...args: A): void {
    this.tasks.push(new BackgroundTask(func as TaskFunction, ...args));
  }

  /** Runs every task in order; the first failure stops the rest, as in Starlette. */
  override async run(): Promise<void> {
    for (const task of this.tasks) await task.run();
  }
}

/**
 * Runs a response's background work, once the response has been sent. A failure
 * propagates, as in Starlette: out of the response, through the middleware, to the
 * server, which logs it ("Exception in ASGI application") once, with its stack.
 */
export async function runBackground(task: BackgroundTask | undefined | null): Promise<void> {
  if (task) await task.run();
}
