// Drives an ASGI app in-process for the tests (one request, the whole body at once).
import { ACCEPTS_TEXT, type ASGIApp, type HTTPScope, type Receive, type Send, type SendMessage } from 'asgi-core';

export interface Sent {
  status: number;
  headers: Record<string, string>;
  rawHeaders: Array<[string, string]>;
  text: string;
  /** The types of the messages sent, in order. */
  sent: string[];
  /** The error the app raised after answering (ServerErrorMiddleware re-raises it), if any. */
  error: unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json(): any;
}

export interface CallOptions {
  headers?: Record<string, string | undefined> | Array<[string, string]>;
  json?: unknown;
  body?: string | Uint8Array;
  chunks?: Uint8Array[];
  /** Offer asgi-core's `http.response.text` on the send, as its server does. */
  acceptsText?: boolean;
}

export async function call(app: ASGIApp | { call: ASGIApp }, method: string, url: string, options: CallOptions = {}): Promise<Sent> {
  const [path, query = ''] = url.split('?', 2);
  const headers: Array<[string, string]> = Array.isArray(options.headers)
    ? options.headers.map(([k, v]) => [k.toLowerCase(), v])
    : Object.entries(options.headers ?? {}).flatMap(([k, v]): Array<[string, string]> => (v === undefined ? [] : [[k.toLowerCase(), v]]));
  let body: Uint8Array = new Uint8Array(0);
  if (options.json !== undefined) {
    body = Buffer.from(JSON.stringify(options.json));
    if (!headers.some(([k]) => k === 'content-type')) headers.push(['content-type', 'application/json']);
  } else if (options.body !== undefined) body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
  const chunks = options.chunks ?? [body];
  if (!options.chunks && body.byteLength > 0) headers.push(['content-length', String(body.byteLength)]);
  const scope: HTTPScope = {
    type: 'http',
    asgi: { version: '3.0', spec_version: '2.4' },
    http_version: '1.1',
    method,
    scheme: 'http',
    path: decodeURIComponent(path),
    raw_path: path,
    query_string: query,
    root_path: '',
    headers,
    client: ['127.0.0.1', 5000],
    server: ['testserver', 80],
  };
  let i = 0;
  const receive: Receive = async () => {
    if (i < chunks.length) {
      const chunk = chunks[i++];
      return { type: 'http.request', body: chunk, more_body: i < chunks.length };
    }
    return new Promise(() => undefined);
  };
  const messages: SendMessage[] = [];
  const fn: ASGIApp = typeof app === 'function' ? app : (s, r, d) => app.call(s, r, d);
  let error: unknown;
  const send: Send = async (m) => {
    messages.push(m);
  };
  if (options.acceptsText) Object.assign(send, { [ACCEPTS_TEXT]: true });
  try {
    await fn(scope, receive, send);
  } catch (thrown) {
    error = thrown;
  }
  // asgi-core's `http.response.text` with a status is the start and the body in one message.
  const start = messages.find((m) => m.type === 'http.response.start' || (m.type === 'http.response.text' && m.status !== undefined)) as
    | { status: number; headers: Array<[string, string]> }
    | undefined;
  if (!start) throw error ?? new Error('no response started');
  const bodies = messages.flatMap((m) =>
    m.type === 'http.response.body' ? [m.body ?? new Uint8Array(0)] : m.type === 'http.response.text' ? [Buffer.from(m.text, 'utf8')] : [],
  );
  const text = Buffer.concat(bodies).toString('utf8');
  const raw = [...(start.headers ?? [])] as Array<[string, string]>;
  return {
    status: start.status,
    rawHeaders: raw,
    headers: Object.fromEntries(raw),
    text,
    sent: messages.map((m) => m.type),
    error,
    json: () => JSON.parse(text),
  };
}
