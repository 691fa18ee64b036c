/**
 * The code each worker thread of `runInWorker`'s pool runs (piscina calls the
 * default export once per task). It loads the user's module, calls the named
 * export with the arguments and returns its (awaited) result. A thrown error
 * travels back as plain data, because structured cloning keeps neither an
 * error's class nor its own properties such as `code`.
 */

/** One task: which function to call, and with what. */
export interface WorkerTask {
  modulePath: string;
  exportName: string;
  args: unknown[];
}

/** What a worker error becomes on its way back to the calling thread. */
export interface SerializedWorkerError {
  name: string;
  message: string;
  stack: string | undefined;
  code: unknown;
}

/** The reply to one task: a value, or the error the function threw. */
export type WorkerReply = { ok: true; value: unknown } | { ok: false; error: SerializedWorkerError };

function serializeError(error: unknown): SerializedWorkerError {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack, code: (error as { code?: unknown }).code };
  }
  return { name: 'Error', message: String(error), stack: undefined, code: undefined };
}

async function loadFunction(modulePath: string, exportName: string): Promise<(...args: unknown[]) => unknown> {
  let loaded: Record<string, unknown>;
  if (/\.m[jt]s$/.test(modulePath) || modulePath.startsWith('file:')) {
    loaded = await import(modulePath);
  } else {
    loaded = require(modulePath) as Record<string, unknown>;
  }
  const target = loaded[exportName];
  if (typeof target !== 'function') {
    const found = target === undefined ? 'no such export' : `a ${typeof target}`;
    throw new TypeError(`runInWorker: "${exportName}" exported by ${modulePath} is not a function (found ${found}).`);
  }
  return target as (...args: unknown[]) => unknown;
}

/** Runs one task; never throws (errors are part of the reply). */
export default async function runTask(task: WorkerTask): Promise<WorkerReply> {
  try {
    const fn = await loadFunction(task.modulePath, task.exportName);
    return { ok: true, value: await fn(...task.args) };
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  }
}
