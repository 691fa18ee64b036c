// The server's set of requests in flight (docs/benchmarks.md, fifth pass): a linked list through its members.
import { type Linked, LinkedSet } from '../src/internal/linked-set';

class Member implements Linked<Member> {
  previousInSet: Member | null = null;
  nextInSet: Member | null = null;
  constructor(readonly name: string) {}
}

const names = (set: LinkedSet<Member>) => [...set].map((m) => m.name).sort();

test('members are added, counted, iterated and removed from the head, the middle and the tail', () => {
  const set = new LinkedSet<Member>();
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => new Member(n));
  for (const m of [a, b, c, d]) set.add(m);
  expect(set.size).toBe(4);
  expect(names(set)).toEqual(['a', 'b', 'c', 'd']);
  set.delete(c); // middle
  set.delete(d); // head (the last added)
  set.delete(a); // tail
  expect(set.size).toBe(1);
  expect(names(set)).toEqual(['b']);
  set.delete(b);
  expect(set.size).toBe(0);
  expect([...set]).toEqual([]);
  set.add(a);
  expect(names(set)).toEqual(['a']);
});

test('deleting a member twice, or one never added, changes nothing', () => {
  const set = new LinkedSet<Member>();
  const [a, b, stranger] = ['a', 'b', 'stranger'].map((n) => new Member(n));
  set.add(a);
  set.add(b);
  set.delete(a);
  set.delete(a);
  set.delete(stranger);
  expect(set.size).toBe(1);
  expect(names(set)).toEqual(['b']);
});

test('members may leave while the set is iterated: the iteration sees those present when it began', () => {
  const set = new LinkedSet<Member>();
  const members = ['a', 'b', 'c'].map((n) => new Member(n));
  for (const m of members) set.add(m);
  const seen: string[] = [];
  for (const m of set) {
    seen.push(m.name);
    set.delete(m);
    for (const other of members) set.delete(other);
  }
  expect(seen.sort()).toEqual(['a', 'b', 'c']);
  expect(set.size).toBe(0);
});
