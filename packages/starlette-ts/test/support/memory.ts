/**
 * Live-memory sampling for the upload tests (starlette-ts's and fastapi-ts's): shows
 * whether a pipeline retains what passes through it.
 */
import * as v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

v8.setFlagsFromString('--expose-gc');
/** A forced full collection. */
export const gc = runInNewContext('gc') as () => void;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Live memory (heap + ArrayBuffers) after a collection: what a pipeline retains counts,
 * consumed socket buffers do not. V8 frees ArrayBuffer backing stores on a background
 * thread after a collection, so a reading taken right after gc() can still count several
 * MB of dead Buffers: settle, collect again, then read.
 */
async function liveMemory(): Promise<number> {
  gc();
  await pause(20);
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** Runs `work` while sampling live memory every 100 ms; returns its result and the peak growth over the baseline. */
export async function peakMemoryGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const baseline = await liveMemory();
  let peak = baseline;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await liveMemory());
      await pause(100);
    }
  })();
  try {
    return { result: await work(), growth: peak - baseline };
  } finally {
    sampling = false;
    await sampler;
  }
}
