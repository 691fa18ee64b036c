// One reader of an HTTP connection's receive(), shared by the Request (body chunks) and
// StreamingResponse (watching for http.disconnect). Two independent callers of receive()
// would split the messages between them and lose body chunks; the channel keeps a single
// pending server receive, hands body chunks to the body reader (buffering them when none
// is waiting) and broadcasts the disconnect to everyone.
import type { HTTPRequestEvent, Receive, ReceiveMessage } from 'asgi-core';

/** Unread body bytes the channel holds before it stops pulling (backpressure to the server). */
const BUFFER_LIMIT = 1024 * 1024;
const DISCONNECT: ReceiveMessage = Object.freeze({ type: 'http.disconnect' }) as ReceiveMessage;
const channels = new WeakMap<Receive, ReceiveChannel>();

export class ReceiveChannel {
  private readonly buffered: ReceiveMessage[] = [];
  private bufferedBytes = 0;
  private readonly readers: ((message: ReceiveMessage) => void)[] = [];
  private pulling = false;
  private watchers = 0;
  private onDisconnect!: () => void;
  /** Resolves when the client has disconnected. */
  readonly disconnected: Promise<void>;
  /** True once http.disconnect arrived. */
  isDisconnected = false;

  private constructor(private readonly receive: Receive) {
    this.disconnected = new Promise<void>((resolve) => (this.onDisconnect = resolve));
  }

  /** The channel of this receive function (one per connection, as receive is). */
  static of(receive: Receive): ReceiveChannel {
    let channel = channels.get(receive);
    if (channel === undefined) {
      channel = new ReceiveChannel(receive);
      channels.set(receive, channel);
    }
    return channel;
  }

  /** The next message for the body reader: a buffered chunk, a new one, or the disconnect. */
  next(): Promise<ReceiveMessage> {
    const message = this.buffered.shift();
    if (message !== undefined) {
      this.bufferedBytes -= (message as HTTPRequestEvent).body?.byteLength ?? 0;
      this.pull();
      return Promise.resolve(message);
    }
    if (this.isDisconnected) return Promise.resolve(DISCONNECT);
    return new Promise((resolve) => {
      this.readers.push(resolve);
      this.pull();
    });
  }

  /** Starts watching for the disconnect (draining into the buffer); call `unwatch` when done. */
  watch(): Promise<void> {
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
      () => this.dispatch(DISCONNECT),
    );
  }

  private dispatch(message: ReceiveMessage): void {
    this.pulling = false;
    if (message.type === 'http.disconnect') {
      this.isDisconnected = true;
      this.onDisconnect();
      for (const reader of this.readers.splice(0)) reader(DISCONNECT);
      return;
    }
    const reader = this.readers.shift();
    if (reader !== undefined) reader(message);
    else {
      this.buffered.push(message);
      this.bufferedBytes += (message as HTTPRequestEvent).body?.byteLength ?? 0;
    }
    this.pull();
  }
}
