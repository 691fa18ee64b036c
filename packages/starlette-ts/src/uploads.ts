/**
 * Uploaded files and form data, as Starlette's `UploadFile` and `FormData`:
 * an upload is spooled in memory and moved to a private temp file once it
 * grows past a threshold, so a large upload never sits in memory.
 */
import type { FileHandle } from 'node:fs/promises';
import { ImmutableMultiDict } from './datastructures';
import { StarletteError } from './errors';
import { Headers } from './headers';
import { createTempFile, forgetCollected, removeTempFile, removeWhenCollected } from './internal/tempfiles';

const READ_CHUNK = 64 * 1024;

/** Options of {@link UploadFile}. */
export interface UploadFileOptions {
  /** The client's file name (as sent: it may contain path separators). */
  filename?: string | null;
  /** The part headers (`content-type`, `content-disposition`). */
  headers?: Headers;
  /** Bytes kept in memory before the file moves to disk. Default 1 MiB. */
  spoolMaxSize?: number;
}

/**
 * A file uploaded in a multipart form. Read it with `read()`, `stream()` or
 * `seek()`; `close()` frees the memory or deletes the temp file.
 *
 * @example
 * const form = await request.form();
 * const upload = form.get('file') as UploadFile;
 * const bytes = await upload.read();
 */
export class UploadFile {
  /** The client's file name, or null. */
  readonly filename: string | null;
  /** The part headers. */
  readonly headers: Headers;
  /** Bytes written so far. */
  size = 0;

  private readonly spoolMaxSize: number;
  private memory: Buffer[] = [];
  private disk: { path: string; handle: FileHandle } | null = null;
  private position = 0;
  private closed = false;

  /** An empty upload; the form parser fills it with `write`. */
  constructor(options: UploadFileOptions = {}) {
    this.filename = options.filename ?? null;
    this.headers = options.headers ?? new Headers();
    this.spoolMaxSize = options.spoolMaxSize ?? 1024 * 1024;
  }

  /** The part's `content-type` header, or null. */
  get contentType(): string | null {
    return this.headers.get('content-type') ?? null;
  }

  /** True while the content is held in memory (not yet spooled to disk). */
  get inMemory(): boolean {
    return this.disk === null;
  }

  /** Appends bytes at the end of the file (moving it to disk past the spool threshold). */
  async write(data: Uint8Array): Promise<void> {
    this.assertOpen('write');
    if (data.length === 0) return;
    const chunk = Buffer.from(data.buffer, data.byteOffset, data.length);
    if (this.disk === null && this.size + chunk.length > this.spoolMaxSize) await this.rollToDisk();
    if (this.disk === null) {
      // Copy: the caller may reuse its buffer.
      this.memory.push(Buffer.from(chunk));
    } else {
      let written = 0;
      while (written < chunk.length) {
        const { bytesWritten } = await this.disk.handle.write(chunk, written, chunk.length - written, this.size + written);
        written += bytesWritten;
      }
    }
    this.size += chunk.length;
  }

  /** Reads up to `size` bytes from the current position (all remaining bytes when omitted or negative). */
  async read(size = -1): Promise<Buffer> {
    this.assertOpen('read');
    const available = Math.max(0, this.size - this.position);
    const length = size < 0 ? available : Math.min(size, available);
    if (length === 0) return Buffer.alloc(0);
    let out: Buffer;
    if (this.disk === null) {
      if (this.memory.length > 1) this.memory = [Buffer.concat(this.memory)];
      out = Buffer.from(this.memory[0]!.subarray(this.position, this.position + length));
    } else {
      out = Buffer.alloc(length);
      let read = 0;
      while (read < length) {
        const { bytesRead } = await this.disk.handle.read(out, read, length - read, this.position + read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      out = out.subarray(0, read);
    }
    this.position += out.length;
    return out;
  }

  /** Moves the read position to `offset` bytes from the start. */
  async seek(offset: number): Promise<void> {
    this.assertOpen('seek');
    if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`seek offset must be a non-negative integer, got ${offset}`);
    this.position = offset;
  }

  /** The current read position. */
  tell(): number {
    return this.position;
  }

  /** Iterates the content from the current position in chunks of up to 64 KiB, never loading the whole file. */
  async *stream(chunkSize = READ_CHUNK): AsyncGenerator<Buffer, void, undefined> {
    for (;;) {
      const chunk = await this.read(chunkSize);
      if (chunk.length === 0) return;
      yield chunk;
    }
  }

  /** Frees the content; deletes the temp file. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.memory = [];
    const disk = this.disk;
    this.disk = null;
    if (disk) {
      forgetCollected(this);
      await removeTempFile(disk.path, disk.handle);
    }
  }

  /** A readable summary (no content). */
  toString(): string {
    return `UploadFile(filename=${JSON.stringify(this.filename)}, size=${this.size}, contentType=${JSON.stringify(this.contentType)})`;
  }

  private async rollToDisk(): Promise<void> {
    const disk = await createTempFile();
    if (this.closed) {
      await removeTempFile(disk.path, disk.handle);
      this.assertOpen('write');
    }
    this.disk = disk;
    removeWhenCollected(this, disk.path, disk.handle);
    const held = Buffer.concat(this.memory);
    this.memory = [];
    if (held.length > 0) await disk.handle.write(held, 0, held.length, 0);
  }

  private assertOpen(operation: string): void {
    if (this.closed) {
      throw new StarletteError(
        'UPLOAD_CLOSED',
        `Cannot ${operation} UploadFile ${JSON.stringify(this.filename)}: it is closed (read uploads before the form is closed)`,
      );
    }
  }
}

/**
 * An immutable multi-valued form: text fields as strings, files as
 * {@link UploadFile}. `get` returns the last value of a name (as Starlette),
 * `getAll`/`getlist` every value.
 *
 * @example
 * const form = await request.form();
 * form.get('name'); // 'ann'
 * form.getAll('tags'); // ['a', 'b']
 */
export class FormData extends ImmutableMultiDict<string | UploadFile> {
  /** Every value of `key`, in order (the web FormData name for `getlist`). */
  getAll(key: string): (string | UploadFile)[] {
    return this.getlist(key);
  }

  /** Every `[name, value]` pair, duplicates included, in order (as the web FormData). */
  entries(): [string, string | UploadFile][] {
    return this.multiItems();
  }

  /** Closes every uploaded file (deleting temp files). */
  async close(): Promise<void> {
    const errors: unknown[] = [];
    for (const [, value] of this._list) {
      if (value instanceof UploadFile) await value.close().catch((error: unknown) => errors.push(error));
    }
    if (errors.length > 0) throw errors[0];
  }
}
