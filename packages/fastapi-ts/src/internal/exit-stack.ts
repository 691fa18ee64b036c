/**
 * The exits of generator dependencies (Python's `AsyncExitStack` of
 * `contextmanager`s): on success the generator is resumed to finish; on error
 * the error is thrown into it at its `yield`, so `try/catch/finally` behave
 * as in Python. Exits run in reverse order of entry. A generator that catches
 * the error and returns normally suppresses it (the caller turns that into a
 * server error, as FastAPI does); one that throws replaces it.
 */
import { DependencyYieldError } from '../errors';

/** One entered generator dependency. */
export interface ExitEntry {
  iterator: Generator<unknown> | AsyncGenerator<unknown>;
  async: boolean;
  name: string;
}

/** No error is in flight. */
export const NO_ERROR = Symbol('no error');

/** Adds an entered generator to a stack. */
export function pushExit(stack: ExitEntry[], entry: ExitEntry): void {
  stack.push(entry);
}

/**
 * Exits every entry of `stack`, last in first out, with `error` in flight
 * (`NO_ERROR` for none). Returns the error still in flight afterwards.
 */
export async function unwind(stack: ExitEntry[], error: unknown): Promise<unknown> {
  let current = error;
  while (stack.length > 0) {
    const entry = stack.pop()!;
    try {
      const step =
        current === NO_ERROR
          ? entry.async
            ? await (entry.iterator as AsyncGenerator<unknown>).next()
            : (entry.iterator as Generator<unknown>).next()
          : entry.async
            ? await (entry.iterator as AsyncGenerator<unknown>).throw(current)
            : (entry.iterator as Generator<unknown>).throw(current);
      if (!step.done) {
        current = new DependencyYieldError(entry.name);
        continue;
      }
      // Returned normally: an error in flight was swallowed by the generator.
      current = NO_ERROR;
    } catch (thrown) {
      current = thrown;
    }
  }
  return current;
}
