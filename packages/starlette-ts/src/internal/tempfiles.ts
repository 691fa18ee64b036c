/**
 * Private temporary files for spooled uploads: unique names in os.tmpdir(),
 * created exclusively with mode 0600, and removed at process exit if the
 * application never closed them.
 */
import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const path of live) {
      try {
        unlinkSync(path);
      } catch {
        // Already gone: nothing to clean.
      }
    }
  });
}

/** Creates a new empty temp file opened for reading and writing. */
export async function createTempFile(): Promise<{ path: string; handle: FileHandle }> {
  installExitHook();
  const path = join(tmpdir(), `starlette-ts-upload-${process.pid}-${randomBytes(12).toString('hex')}`);
  // 'wx+': fail rather than reuse an existing path (no symlink games in /tmp).
  const handle = await open(path, 'wx+', 0o600);
  live.add(path);
  return { path, handle };
}

/** Closes and deletes a temp file; never throws for an already-removed file. */
export async function removeTempFile(path: string, handle: FileHandle): Promise<void> {
  live.delete(path);
  try {
    await handle.close();
  } finally {
    await unlink(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
}

// An upload dropped without close() still loses its temp file once collected,
// as Python's SpooledTemporaryFile does (the process-exit hook covers the rest).
const collected = new FinalizationRegistry<{ path: string; handle: FileHandle }>(({ path, handle }) => {
  void removeTempFile(path, handle).catch(() => undefined);
});

/** Deletes the temp file when `owner` is garbage-collected without having removed it. */
export function removeWhenCollected(owner: object, path: string, handle: FileHandle): void {
  collected.register(owner, { path, handle }, owner);
}

/** Cancels {@link removeWhenCollected} (the owner removed the file itself). */
export function forgetCollected(owner: object): void {
  collected.unregister(owner);
}

/** The temp files currently alive (for tests and diagnostics). */
export function liveTempFiles(): ReadonlySet<string> {
  return live;
}
