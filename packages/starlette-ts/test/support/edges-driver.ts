/**
 * A tiny in-test ASGI driver for the edge modules: calls an app directly with
 * a built scope, feeds the request body, and records what it sends.
 */
import type { ASGIApp, Header, HTTPScope, ReceiveMessage, SendMessage } from 'asgi-core';

export interface DriveOptions {
  method?: string;
  path?: string;
  query?: string;
  headers?: Record<string, string> | Header[];
  body?: Uint8Array | string | (Uint8Array | string)[];
  scheme?: 'http' | 'https';
  rootPath?: string;
  server?: [string, number] | null;
  extra?: Record<string, unknown>;
  /** Deliver http.disconnect right after the body instead of waiting for the response end. */
  disconnectAfterBody?: boolean;
}

export interface DriveResult {
  status: number;
  headers: Header[];
  body: Buffer;
  messages: SendMessage[];
  scope: HTTPScope;
  header(name: string): string | undefined;
  headerAll(name: string): string[];
  text(): string;
}

export function buildScope(options: DriveOptions = {}): HTTPScope {
  const headers: Header[] = Array.isArray(options.headers)
    ? options.headers
    : Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]);
  // Raw pairs are used exactly as given (so a test can omit Host); a record gets a default Host.
  if (!Array.isArray(options.headers) && !headers.some(([k]) => k === 'host')) headers.unshift(['host', 'testserver']);
  return {
    type: 'http',
    asgi: { version: '3.0', spec_version: '2.4' },
    http_version: '1.1',
    method: options.method ?? 'GET',
    scheme: options.scheme ?? 'http',
    path: options.path ?? '/',
    raw_path: options.path ?? '/',
    query_string: options.query ?? '',
    root_path: options.rootPath ?? '',
    headers,
    client: ['127.0.0.1', 50000],
    server: options.server === undefined ? ['testserver', 80] : options.server,
    ...(options.extra ?? {}),
  };
}

export async function drive(app: ASGIApp, options: DriveOptions = {}): Promise<DriveResult> {
  const scope = buildScope(options);
  const raw = options.body === undefined ? [] : Array.isArray(options.body) ? options.body : [options.body];
  const chunks = raw.map((c) => (typeof c === 'string' ? Buffer.from(c) : c));
  let index = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const messages: SendMessage[] = [];
  const receive = async (): Promise<ReceiveMessage> => {
    if (index < chunks.length || (index === 0 && chunks.length === 0)) {
      const body = chunks[index] ?? new Uint8Array(0);
      index += 1;
      return { type: 'http.request', body, more_body: index < chunks.length };
    }
    if (!options.disconnectAfterBody) await finished;
    return { type: 'http.disconnect' };
  };
  const send = async (message: SendMessage): Promise<void> => {
    messages.push(message);
    if (message.type === 'http.response.body' && !message.more_body) finish();
  };
  try {
    await app(scope, receive, send);
  } finally {
    finish();
  }
  const start = messages.find((m) => m.type === 'http.response.start') as { status: number; headers?: Iterable<Header> } | undefined;
  const headers = start ? [...(start.headers ?? [])] : [];
  const body = Buffer.concat(
    messages.filter((m) => m.type === 'http.response.body').map((m) => (m as { body?: Uint8Array }).body ?? new Uint8Array(0)),
  );
  return {
    status: start?.status ?? 0,
    headers,
    body,
    messages,
    scope,
    header: (name) => headers.find(([k]) => k === name)?.[1],
    headerAll: (name) => headers.filter(([k]) => k === name).map(([, v]) => v),
    text: () => body.toString('utf8'),
  };
}

/** An ASGI app that answers with fixed status, headers and body chunks. */
export function fixedApp(status: number, headers: Header[], chunks: (string | Uint8Array)[]): ASGIApp {
  return async (_scope, _receive, send) => {
    await send({ type: 'http.response.start', status, headers: headers.map(([k, v]) => [k, v]) });
    if (chunks.length === 0) {
      await send({ type: 'http.response.body', body: new Uint8Array(0), more_body: false });
      return;
    }
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i]!;
      await send({ type: 'http.response.body', body: typeof c === 'string' ? Buffer.from(c) : c, more_body: i < chunks.length - 1 });
    }
  };
}

export async function* chunksOf(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
}
