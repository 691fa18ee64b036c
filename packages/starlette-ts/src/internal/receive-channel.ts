// One reader of an HTTP connection's receive(), shared by the Request (body chunks) and
// StreamingResponse (watching for http.disconnect). Two independent callers of receive()
// would split the messages between them and lose body chunks; the channel keeps a single
// pending server receive, hands body chunks to the body reader (buffering them when none
// is waiting) and broadcasts the disconnect to everyone. An error thrown by receive() (a
// body-size limit, say) reaches the body reader unchanged and counts as a disconnect for watchers.
import type { HTTPRequestEvent, Receive, ReceiveMessage } from 'asgi-core';

/** Unread body bytes the channel holds before it stops pulling (backpressure to the server). */
const BUFFER_LIMIT = 1024 * 1024;
const DISCONNECT: ReceiveMessage = Object.freeze({ type: 'http.disconnect' }) as ReceiveMessage;
// The channel rides on the receive function itself (a symbol key): a module-wide WeakMap with one
// short-lived key per request cost ~10% of a POST's CPU in GC (ephemeron tables; docs/benchmarks.md).
// The WeakMap remains only for receive functions that cannot take a property (frozen ones).
const CHANNEL = Symbol('starlette-ts.receiveChannel');
const frozenChannels = new WeakMap<Receive, ReceiveChannel>();
type ChannelHolder = Receive & { [CHANNEL]?: ReceiveChannel };

export class ReceiveChannel {
  private readonly buffered: ReceiveMessage[] = [];
  private bufferedBytes = 0;
  private readonly readers: { resolve: (message: ReceiveMessage) => void; reject: (error: unknown) => void }[] = [];
  /** What the server's receive() threw, handed to every later body read. */
  private failure: { error: unknown } | null = null;
  private pulling = false;
  private watchers = 0;
  /** Resolves when the client has disconnected; made for the first watcher. */
  private disconnected: Promise<void> | null = null;
  private onDisconnect: (() => void) | null = null;
  /** True once http.disconnect arrived. */
  isDisconnected = false;

  private constructor(private readonly receive: Receive) {}

  /** The channel of this receive function (one per connection, as receive is). */
  static of(receive: Receive): ReceiveChannel {
    const holder = receive as ChannelHolder;
    let channel = holder[CHANNEL];
    if (channel !== undefined) return channel;
    const extensible = Object.isExtensible(receive);
    channel = extensible ? undefined : frozenChannels.get(receive);
    if (channel === undefined) {
      channel = new ReceiveChannel(receive);
      if (extensible) holder[CHANNEL] = channel;
      else frozenChannels.set(receive, channel);
    }
    return channel;
  }

  /** The next message for the body reader: a buffered chunk, a new one, or the disconnect. A bound arrow: it is passed on as a receive function. */
  readonly next = (): Promise<ReceiveMessage> => {
    const message = this.buffered.shift();
    if (message !== undefined) {
      this.bufferedBytes -= (message as HTTPRequestEvent).body?.byteLength ?? 0;
      this.pull();
      return Promise.resolve(message);
    }
    if (this.failure !== null) return Promise.reject(this.failure.error);
    if (this.isDisconnected) return Promise.resolve(DISCONNECT);
    if (!this.pulling) {
      // The usual case (one body reader, nobody pulling): the server's next message is this reader's,
      // without a pending-reader record and a second promise.
      this.pulling = true;
      return this.receive().then(this.delivered, this.failed);
    }
    return new Promise((resolve, reject) => {
      this.readers.push({ resolve, reject });
      this.pull();
    });
  };

  /** Starts watching for the disconnect (draining into the buffer); call `unwatch` when done. */
  watch(): Promise<void> {
    this.disconnected ??= this.isDisconnected ? Promise.resolve() : new Promise<void>((resolve) => (this.onDisconnect = resolve));
    this.watchers++;
    this.pull();
    return this.disconnected;
  }

  /** Stops watching. */
  unwatch(): void {
    this.watchers = Math.max(0, this.watchers - 1);
  }

  /** Pulls one message if nobody is pulling yet; true if a message is (or was) being pulled. */
  poke(): void {
    this.pull(true);
  }

  private pull(force = false): void {
    if (this.pulling || this.isDisconnected) return;
    const wanted = this.readers.length > 0 || (this.watchers > 0 && this.bufferedBytes < BUFFER_LIMIT) || force;
    if (!wanted) return;
    this.pulling = true;
    this.receive().then(
      (message) => this.dispatch(message),
      (error: unknown) => {
        this.fail(error);
        this.dispatch(DISCONNECT);
      },
    );
  }

  /** The message of a direct read in `next()`: the reader gets it; a disconnect is everyone's. */
  private readonly delivered = (message: ReceiveMessage): ReceiveMessage => {
    this.pulling = false;
    if (message.type === 'http.disconnect') this.disconnect();
    else this.pull();
    return message;
  };

  private readonly failed = (error: unknown): never => {
    this.pulling = false;
    this.fail(error);
    this.disconnect();
    throw error;
  };

  private fail(error: unknown): void {
    this.failure = { error };
    for (const reader of this.readers.splice(0)) reader.reject(error);
  }

  private disconnect(): void {
    this.isDisconnected = true;
    this.onDisconnect?.();
    for (const reader of this.readers.splice(0)) reader.resolve(DISCONNECT);
  }

  private dispatch(message: ReceiveMessage): void {
    this.pulling = false;
    if (message.type === 'http.disconnect') {
      this.disconnect();
      return;
    }
    const reader = this.readers.shift();
    if (reader !== undefined) reader.resolve(message);
    else {
      this.buffered.push(message);
      this.bufferedBytes += (message as HTTPRequestEvent).body?.byteLength ?? 0;
    }
    this.pull();
  }
}
