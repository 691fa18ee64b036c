/**
 * Server-Sent Events (https://html.spec.whatwg.org/multipage/server-sent-events.html)
 * as sse-starlette's EventSourceResponse: events framed as `event:`/`id:`/
 * `data:`/`retry:` lines, each sent (flushed) on its own, a ping comment
 * keeping idle connections open, and the producer stopped when the client
 * leaves.
 */
import type { Receive, Scope, Send } from 'asgi-core';
import { runBackground } from './background';
import { BodyPump } from './internal/body-pump';
import { Response, isBodyless, type HeadersLike, type ResponseOptions } from './responses';

const LINE_SEPARATOR = /\r\n|\r|\n/;
const LINE_SEPARATORS = /\r\n|\r|\n/g;
const encoder = new TextEncoder();

/** The line separators the SSE grammar allows. */
export type EventSeparator = '\r\n' | '\r' | '\n';

/** The fields of one event; every one optional. */
export interface ServerSentEventInit {
  /** The payload; multi-line text becomes several `data:` lines. */
  data?: unknown;
  /** The event type (`addEventListener(type)` on the client). */
  event?: string | null;
  /** The event id, sent back by the browser as `Last-Event-ID` on reconnect. */
  id?: string | number | null;
  /** Reconnection delay for the client, in milliseconds (an integer). */
  retry?: number | null;
  /** A comment line (ignored by clients; useful as keep-alive). */
  comment?: string | null;
  /** The line separator. Default `\r\n`. */
  sep?: EventSeparator;
}

function checkSeparator(sep: string | undefined): EventSeparator {
  if (sep === undefined) return '\r\n';
  if (sep !== '\r\n' && sep !== '\r' && sep !== '\n') {
    throw new TypeError(`sep must be one of "\\r\\n", "\\r", "\\n", got ${JSON.stringify(sep)}`);
  }
  return sep;
}

/**
 * One event, encoded as sse-starlette does: comment lines, `id`, `event`,
 * `data` (one line per line of text), `retry`, then a blank line.
 *
 * @example
 * new ServerSentEvent({ event: 'tick', id: 1, data: 'line one\nline two' })
 */
export class ServerSentEvent {
  /** The payload. */
  data: unknown;
  /** The event type. */
  event: string | null;
  /** The event id. */
  id: string | null;
  /** Client reconnection delay in milliseconds. */
  retry: number | null;
  /** A comment. */
  comment: string | null;
  /** The line separator. */
  readonly sep: EventSeparator;

  /** Builds an event from its fields (or from just the data). */
  constructor(init: ServerSentEventInit | string = {}) {
    const fields: ServerSentEventInit = typeof init === 'string' ? { data: init } : init;
    this.data = fields.data ?? null;
    this.event = fields.event ?? null;
    this.id = fields.id === undefined || fields.id === null ? null : String(fields.id);
    this.retry = fields.retry ?? null;
    if (this.retry !== null && !Number.isInteger(this.retry)) throw new TypeError('retry argument must be int');
    this.comment = fields.comment ?? null;
    this.sep = checkSeparator(fields.sep);
  }

  /** The event as wire text. */
  toString(): string {
    const sep = this.sep;
    let out = '';
    if (this.comment !== null) for (const line of String(this.comment).split(LINE_SEPARATOR)) out += `: ${line}${sep}`;
    // Line breaks inside id and event would start new fields: they are removed.
    if (this.id !== null) out += `id: ${this.id.replace(LINE_SEPARATORS, '')}${sep}`;
    if (this.event !== null) out += `event: ${this.event.replace(LINE_SEPARATORS, '')}${sep}`;
    if (this.data !== null) for (const line of String(this.data).split(LINE_SEPARATOR)) out += `data: ${line}${sep}`;
    if (this.retry !== null) out += `retry: ${this.retry}${sep}`;
    return out + sep;
  }

  /** The event as UTF-8 bytes. */
  encode(): Uint8Array {
    return encoder.encode(this.toString());
  }
}

/** What an event stream may yield: events, field objects, strings (data), raw bytes, or any value (as its string). */
export type EventContent = ServerSentEvent | ServerSentEventInit | string | Uint8Array | number | boolean;

/** The producer of an EventSourceResponse: an async or sync iterable. */
export type EventStream = AsyncIterable<EventContent> | Iterable<EventContent>;

/** Options of {@link EventSourceResponse}. */
export interface EventSourceOptions extends ResponseOptions {
  /** Seconds between ping comments while idle; 0 disables. Default 15. */
  ping?: number;
  /** Line separator for events built from strings and objects. Default `\r\n`. */
  sep?: EventSeparator;
  /** Builds the ping event (default: a `ping - <ISO time>` comment). */
  pingMessageFactory?: () => ServerSentEvent;
}

function encodeItem(item: EventContent, sep: EventSeparator): Uint8Array {
  if (typeof item === 'string' && !LINE_SEPARATOR.test(item)) return Buffer.from(`data: ${item}${sep}${sep}`, 'utf8'); // the common case, without an event object
  if (item instanceof Uint8Array) return item;
  if (item instanceof ServerSentEvent) return item.encode();
  if (item !== null && typeof item === 'object') return new ServerSentEvent({ ...item, sep }).encode();
  return new ServerSentEvent({ data: String(item), sep }).encode();
}

function iteratorOf(content: EventStream): AsyncIterator<EventContent> | Iterator<EventContent> {
  if (typeof (content as AsyncIterable<EventContent>)[Symbol.asyncIterator] === 'function') {
    return (content as AsyncIterable<EventContent>)[Symbol.asyncIterator]();
  }
  if (typeof content !== 'string' && typeof (content as Iterable<EventContent>)[Symbol.iterator] === 'function') {
    return (content as Iterable<EventContent>)[Symbol.iterator]();
  }
  throw new TypeError('EventSourceResponse content must be an async iterable or an iterable');
}

/**
 * A `text/event-stream` response. Headers: `cache-control: no-store`
 * (overridable), `connection: keep-alive`, `x-accel-buffering: no` (so
 * nginx does not buffer). When the client disconnects, the producer's
 * `return()` is called so its `finally` blocks run.
 *
 * @example
 * async function* ticks() {
 *   for (let i = 0; ; i++) { yield { event: 'tick', data: String(i) }; await sleep(1000); }
 * }
 * return new EventSourceResponse(ticks(), { ping: 10 });
 */
export class EventSourceResponse extends Response {
  static override defaultMediaType: string | null = 'text/event-stream';

  /** The producer of events. */
  readonly bodyIterator: EventStream;
  /** Seconds between pings (0: none). */
  readonly pingInterval: number;
  /** The separator for events built from strings and objects. */
  readonly sep: EventSeparator;
  private readonly pingMessageFactory: (() => ServerSentEvent) | undefined;

  constructor(content: EventStream, options: EventSourceOptions = {}) {
    super(undefined, options);
    this.bodyIterator = content;
    this.sep = checkSeparator(options.sep);
    this.pingInterval = options.ping ?? 15;
    if (!(this.pingInterval >= 0)) throw new RangeError(`ping must be a number of seconds >= 0, got ${options.ping}`);
    this.pingMessageFactory = options.pingMessageFactory;
  }

  /** SSE headers; no content-length (the stream is open-ended). */
  override initHeaders(headers?: HeadersLike | null): void {
    super.initHeaders(headers, null);
    this.headers.setdefault('cache-control', 'no-store');
    this.headers.set('connection', 'keep-alive');
    this.headers.set('x-accel-buffering', 'no');
  }

  private pingEvent(): Uint8Array {
    if (this.pingMessageFactory) return this.pingMessageFactory().encode();
    return new ServerSentEvent({ comment: `ping - ${new Date().toISOString()}`, sep: this.sep }).encode();
  }

  override async call(scope: Scope, receive: Receive, send: Send): Promise<void> {
    let finished = false;
    let onDisconnect!: () => void;
    const disconnect = new Promise<void>((resolve) => (onDisconnect = resolve));
    // Watch receive() so a client that leaves stops the producer (and the pings).
    void (async () => {
      while (!finished) {
        const message = await receive();
        if (message.type === 'http.disconnect' || message.type === 'websocket.disconnect') {
          onDisconnect();
          return;
        }
      }
    })().catch(() => undefined);
    const sep = this.sep;
    const pump = new BodyPump<EventContent>(iteratorOf(this.bodyIterator), (item) => encodeItem(item, sep), disconnect);
    await pump.respond(scope, send, {
      status: this.statusCode,
      headers: this.rawHeaders,
      bodyless: isBodyless(scope, this.statusCode),
      ping: this.pingInterval > 0 ? { intervalMs: this.pingInterval * 1000, event: () => this.pingEvent() } : undefined,
      name: 'EventSourceResponse',
      onEnd: () => (finished = true),
    });
    await runBackground(this.background);
  }
}
