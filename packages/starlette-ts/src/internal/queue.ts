// An unbounded async queue: put() never waits, get() waits for the next item.

export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private readonly waiters: ((item: T) => void)[] = [];

  put(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter(item);
    else this.items.push(item);
  }

  get(): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift() as T);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The next item if one is queued, without waiting. */
  getNowait(): T | undefined {
    return this.items.shift();
  }

  get size(): number {
    return this.items.length;
  }
}
