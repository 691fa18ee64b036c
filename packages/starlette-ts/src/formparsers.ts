/**
 * Form parsing for `application/x-www-form-urlencoded` and
 * `multipart/form-data` (RFC 7578), streaming, with Starlette's limits and
 * error messages. Multipart is parsed by busboy; file parts are written to
 * {@link UploadFile}s (memory, then a temp file), so a large upload never
 * sits in memory. Every temp file is deleted when parsing fails.
 */
import busboy from 'busboy';
import type { Header } from 'asgi-core';
import { MultiPartException } from './errors';
import { Headers } from './headers';
import { parseOptionsHeader } from './internal/options-header';
import { FormData, UploadFile } from './uploads';

/** Limits of {@link parseForm}; defaults as Starlette's `request.form()`. */
export interface FormParseOptions {
  /** Most file parts accepted. Default 1000. */
  maxFiles?: number;
  /** Most non-file fields accepted. Default 1000. */
  maxFields?: number;
  /** Largest non-file field, in bytes (files have no limit). Default 1 MiB. */
  maxPartSize?: number;
  /** Bytes of a file kept in memory before it is spooled to a temp file. Default 1 MiB. */
  spoolMaxSize?: number;
}

/** Header access a form source offers: a Headers-like object, ASGI pairs, or a plain record. */
export type FormHeaders =
  | { get(name: string): string | null | undefined }
  | Iterable<Header>
  | Record<string, string>;

/** What a form is read from: a Request, or any object with headers and a body stream. */
export interface FormSource {
  headers: FormHeaders;
  stream(): AsyncIterable<Uint8Array>;
}

type Limits = Required<FormParseOptions>;

function contentTypeOf(headers: FormHeaders): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null | undefined }).get('content-type') ?? undefined;
  }
  if (Symbol.iterator in (headers as object)) {
    for (const [name, value] of headers as Iterable<Header>) if (name.toLowerCase() === 'content-type') return value;
    return undefined;
  }
  for (const [name, value] of Object.entries(headers as Record<string, string>)) {
    if (name.toLowerCase() === 'content-type') return value;
  }
  return undefined;
}

/**
 * Reads a form body. Returns an empty FormData for other content types.
 * Throws {@link MultiPartException} for malformed bodies and broken limits
 * (the request layer answers 400 with its message, as Starlette does).
 *
 * @example
 * const form = await parseForm(request, { maxFiles: 5 });
 * const form2 = await parseForm(headers, bodyChunks);
 */
export function parseForm(source: FormSource, options?: FormParseOptions): Promise<FormData>;
export function parseForm(headers: FormHeaders, stream: AsyncIterable<Uint8Array>, options?: FormParseOptions): Promise<FormData>;
export async function parseForm(
  first: FormSource | FormHeaders,
  second?: AsyncIterable<Uint8Array> | FormParseOptions,
  third?: FormParseOptions,
): Promise<FormData> {
  let headers: FormHeaders;
  let stream: AsyncIterable<Uint8Array>;
  let options: FormParseOptions | undefined;
  if (second !== undefined && Symbol.asyncIterator in (second as object)) {
    headers = first as FormHeaders;
    stream = second as AsyncIterable<Uint8Array>;
    options = third;
  } else {
    const source = first as FormSource;
    headers = source.headers;
    stream = source.stream();
    options = second as FormParseOptions | undefined;
  }
  const limits: Limits = {
    maxFiles: options?.maxFiles ?? 1000,
    maxFields: options?.maxFields ?? 1000,
    maxPartSize: options?.maxPartSize ?? 1024 * 1024,
    spoolMaxSize: options?.spoolMaxSize ?? 1024 * 1024,
  };
  const contentType = contentTypeOf(headers);
  const { value: mediaType, params } = parseOptionsHeader(contentType);
  if (mediaType === 'multipart/form-data') return parseMultipart(contentType!, params, stream, limits);
  if (mediaType === 'application/x-www-form-urlencoded') return parseUrlencoded(stream, limits);
  return new FormData();
}

function kilobytes(size: number): number {
  return Math.floor(size / 1024);
}

// ---------------------------------------------------------------- urlencoded

const PLUS = 0x2b;
const PERCENT = 0x25;
const AMPERSAND = 0x26;
const EQUALS = 0x3d;

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

/** `+` as space, `%XX` as a byte, then UTF-8 (invalid sequences become U+FFFD). */
function unquotePlusBytes(bytes: Buffer): string {
  const out = Buffer.allocUnsafe(bytes.length);
  let length = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === PLUS) out[length++] = 0x20;
    else if (byte === PERCENT && i + 2 < bytes.length && hexValue(bytes[i + 1]!) >= 0 && hexValue(bytes[i + 2]!) >= 0) {
      out[length++] = hexValue(bytes[i + 1]!) * 16 + hexValue(bytes[i + 2]!);
      i += 2;
    } else out[length++] = byte;
  }
  return out.toString('utf8', 0, length);
}

/** Streams `name=value&...` pairs; each field's name + value is capped at `maxPartSize`. */
async function parseUrlencoded(stream: AsyncIterable<Uint8Array>, limits: Limits): Promise<FormData> {
  const items: [string, string][] = [];
  let pieces: Buffer[] = [];
  let fieldBytes = 0;
  let sawEquals = false;

  const appendPiece = (piece: Buffer): void => {
    if (piece.length === 0) return;
    if (!sawEquals && piece.includes(EQUALS)) sawEquals = true;
    fieldBytes += piece.length;
    // The first '=' separates name and value and does not count.
    if (fieldBytes - (sawEquals ? 1 : 0) > limits.maxPartSize) {
      throw new MultiPartException(`Field exceeded maximum size of ${kilobytes(limits.maxPartSize)}KB.`);
    }
    pieces.push(piece);
  };
  const endField = (): void => {
    if (fieldBytes === 0) return;
    const field = Buffer.concat(pieces);
    pieces = [];
    fieldBytes = 0;
    sawEquals = false;
    if (items.length + 1 > limits.maxFields) {
      throw new MultiPartException(`Too many fields. Maximum number of fields is ${limits.maxFields}.`);
    }
    const eq = field.indexOf(EQUALS);
    const name = eq === -1 ? field : field.subarray(0, eq);
    const value = eq === -1 ? Buffer.alloc(0) : field.subarray(eq + 1);
    items.push([unquotePlusBytes(name), unquotePlusBytes(value)]);
  };

  for await (const data of stream) {
    const chunk = Buffer.from(data.buffer, data.byteOffset, data.length);
    let start = 0;
    for (;;) {
      const amp = chunk.indexOf(AMPERSAND, start);
      if (amp === -1) {
        appendPiece(chunk.subarray(start));
        break;
      }
      appendPiece(chunk.subarray(start, amp));
      endField();
      start = amp + 1;
    }
  }
  endField();
  return new FormData(items);
}

// ----------------------------------------------------------------- multipart

/** Parses a multipart body with busboy, writing file parts to UploadFiles as they stream. */
async function parseMultipart(
  contentType: string,
  params: Record<string, string>,
  stream: AsyncIterable<Uint8Array>,
  limits: Limits,
): Promise<FormData> {
  if (!params.boundary) throw new MultiPartException('Missing boundary in multipart.');
  const charset = params.charset ?? 'utf-8';
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      // Counting and size checks are ours (Starlette's messages); busboy only
      // truncates field values one byte past the limit so we can tell.
      limits: { fieldSize: limits.maxPartSize + 1, fields: Infinity, files: Infinity, parts: Infinity },
      preservePath: true,
      defCharset: charset,
      defParamCharset: 'utf8',
    });
  } catch (error) {
    throw new MultiPartException(`Invalid multipart Content-Type: ${(error as Error).message}.`);
  }

  const items: [string, string | UploadFile][] = [];
  const uploads: UploadFile[] = [];
  const consumers: Promise<void>[] = [];
  let fields = 0;
  let files = 0;
  let failure: unknown = null;
  let rejectFailed!: (error: unknown) => void;
  const failed = new Promise<never>((_, reject) => {
    rejectFailed = reject;
  });
  failed.catch(() => undefined);
  const fail = (error: unknown): void => {
    if (failure !== null) return;
    failure = error;
    rejectFailed(error);
    // busboy is destroyed by the feeding loop, outside its own callbacks.
  };
  const partTooLarge = (): MultiPartException =>
    new MultiPartException(`Part exceeded maximum size of ${kilobytes(limits.maxPartSize)}KB.`);
  const countField = (name: string | undefined): name is string => {
    if (name === undefined) {
      fail(new MultiPartException('The Content-Disposition header field "name" must be provided.'));
      return false;
    }
    if (++fields > limits.maxFields) {
      fail(new MultiPartException(`Too many fields. Maximum number of fields is ${limits.maxFields}.`));
      return false;
    }
    return true;
  };

  parser.on('field', (name: string | undefined, value: string, info: busboy.FieldInfo) => {
    if (failure !== null || !countField(name)) return;
    if (info.valueTruncated) return fail(partTooLarge());
    items.push([name, value]);
  });

  parser.on('file', (name: string | undefined, fileStream: NodeJS.ReadableStream & { resume(): void }, info: busboy.FileInfo) => {
    // Destroying the parser destroys the open file stream with an error; the
    // consumer (if any) sees it through its iterator.
    fileStream.on('error', () => undefined);
    if (failure !== null) {
      fileStream.resume();
      return;
    }
    if (info.filename === undefined) {
      // busboy treats `application/octet-stream` parts as files; without a
      // filename Starlette reads them as plain fields.
      if (!countField(name)) return void fileStream.resume();
      const index = items.push([name, '']) - 1;
      consumers.push(readFieldStream(fileStream, limits.maxPartSize, charset).then(
        (value) => {
          items[index] = [name, value];
        },
        (error: unknown) => fail(error === TOO_LARGE ? partTooLarge() : error),
      ));
      return;
    }
    if (name === undefined) {
      fileStream.resume();
      return fail(new MultiPartException('The Content-Disposition header field "name" must be provided.'));
    }
    if (++files > limits.maxFiles) {
      fileStream.resume();
      return fail(new MultiPartException(`Too many files. Maximum number of files is ${limits.maxFiles}.`));
    }
    const upload = new UploadFile({
      filename: info.filename,
      headers: partHeaders(name, info),
      spoolMaxSize: limits.spoolMaxSize,
    });
    uploads.push(upload);
    items.push([name, upload]);
    consumers.push(
      (async () => {
        for await (const chunk of fileStream as AsyncIterable<Buffer>) await upload.write(chunk);
        await upload.seek(0);
      })().catch((error: unknown) => fail(error)),
    );
  });

  parser.on('error', (error: Error) => fail(new MultiPartException(`${error.message}.`)));
  const closed = new Promise<void>((resolve) => parser.once('close', resolve));

  try {
    for await (const data of stream) {
      if (failure !== null) break;
      if (data.length === 0) continue;
      // The write callback is held back while a file stream is full:
      // awaiting it is what keeps memory flat for large uploads.
      await Promise.race([new Promise<void>((resolve) => parser.write(data, () => resolve())), failed]);
    }
    if (failure === null) {
      parser.end();
      await Promise.race([closed, failed]);
      await Promise.race([Promise.all(consumers), failed]);
    }
    if (failure !== null) throw failure;
  } catch (error) {
    fail(error);
    parser.destroy();
    await Promise.allSettled(consumers);
    await Promise.allSettled(uploads.map((upload) => upload.close()));
    throw failure;
  }
  return new FormData(items);
}

const TOO_LARGE = Symbol('too large');

/** Reads a non-file part that busboy delivered as a stream, with the part-size limit. */
async function readFieldStream(stream: NodeJS.ReadableStream, maxSize: number, charset: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxSize) {
      (stream as NodeJS.ReadableStream & { resume(): void }).resume();
      throw TOO_LARGE;
    }
    chunks.push(chunk);
  }
  return decodeText(Buffer.concat(chunks), charset);
}

/** Decodes with the form's charset, falling back to latin-1 for an unknown one (Starlette's _user_safe_decode). */
function decodeText(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset, { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

function quoteParam(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** The headers an UploadFile exposes: busboy hands over the parsed values, not the raw part headers. */
function partHeaders(name: string, info: busboy.FileInfo): Headers {
  const raw: Header[] = [
    ['content-disposition', `form-data; name="${quoteParam(name)}"; filename="${quoteParam(info.filename ?? "")}"`],
    ['content-type', info.mimeType],
  ];
  if (info.encoding && info.encoding !== '7bit') raw.push(['content-transfer-encoding', info.encoding]);
  return new Headers({ raw });
}
