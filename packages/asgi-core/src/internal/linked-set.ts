/**
 * The set of requests in flight, as a doubly-linked list threaded through its
 * members. A `Set` that gains and loses an entry per request reallocates its
 * hash table every few requests (about 0.13 KB per request under load); links
 * stored on the member cost nothing per request.
 */

/** A member of a {@link LinkedSet}: the links live on the member itself. */
export interface Linked<T> {
  previousInSet: T | null;
  nextInSet: T | null;
}

export class LinkedSet<T extends Linked<T>> implements Iterable<T> {
  size = 0;
  private head: T | null = null;

  add(member: T): void {
    member.previousInSet = null;
    member.nextInSet = this.head;
    if (this.head !== null) this.head.previousInSet = member;
    this.head = member;
    this.size++;
  }

  /** Removes `member`; a member that is not in the set is left alone. */
  delete(member: T): void {
    const { previousInSet: previous, nextInSet: next } = member;
    if (previous === null && this.head !== member) return;
    if (previous === null) this.head = next;
    else previous.nextInSet = next;
    if (next !== null) next.previousInSet = previous;
    member.previousInSet = member.nextInSet = null;
    this.size--;
  }

  /** The members at the time of the call (members may leave while the caller iterates). */
  [Symbol.iterator](): Iterator<T> {
    const members: T[] = [];
    for (let member = this.head; member !== null; member = member.nextInSet) members.push(member);
    return members[Symbol.iterator]();
  }
}
