import { Headers, ImmutableMultiDict, MultiDict, MutableHeaders, QueryParams, State, URL, URLPath } from '../src';
import type { Header } from 'asgi-core';

describe('URL', () => {
  test('exposes the components of a full URL', () => {
    const u = new URL('https://user:pa:ss@Example.COM:8443/path/to?x=1&y=2#frag');
    expect([u.scheme, u.netloc, u.path, u.query, u.fragment]).toEqual(['https', 'user:pa:ss@Example.COM:8443', '/path/to', 'x=1&y=2', 'frag']);
    expect([u.username, u.password, u.hostname, u.port, u.isSecure]).toEqual(['user', 'pa:ss', 'example.com', 8443, true]);
  });

  test('handles relative URLs, IPv6 hosts and missing ports', () => {
    const rel = new URL('/only/path?q');
    expect([rel.scheme, rel.netloc, rel.path, rel.query, rel.hostname, rel.port]).toEqual(['', '', '/only/path', 'q', null, null]);
    const v6 = new URL('http://[::1]:8000/');
    expect([v6.hostname, v6.port]).toEqual(['::1', 8000]);
    expect(new URL('http://h:notaport/').port).toBeNull();
  });

  test('replace rebuilds the netloc from host parts', () => {
    const u = new URL('http://user@example.com:80/a?b=1');
    expect(String(u.replace({ scheme: 'https', port: 443 }))).toBe('https://user@example.com:443/a?b=1');
    expect(String(u.replace({ hostname: 'other.org' }))).toBe('http://user@other.org:80/a?b=1');
    expect(String(u.replace({ port: null, username: null }))).toBe('http://example.com/a?b=1');
    expect(String(u.replace({ path: '/z', query: '' }))).toBe('http://user@example.com:80/z');
    expect(String(new URL('http://[::1]:80/').replace({ port: 81 }))).toBe('http://[::1]:81/');
  });

  test('query helpers include, replace and remove parameters', () => {
    const u = new URL('http://h/p?a=1&b=2&a=3');
    expect(String(u.includeQueryParams({ a: 9, c: 'x y' }))).toBe('http://h/p?a=9&b=2&c=x+y');
    expect(String(u.replaceQueryParams([['z', 1], ['z', 2]]))).toBe('http://h/p?z=1&z=2');
    expect(String(u.removeQueryParams('a'))).toBe('http://h/p?b=2');
    expect(String(u.removeQueryParams(['a', 'b']))).toBe('http://h/p');
  });

  test('is built from a scope as Starlette does', () => {
    const scope = { type: 'http', scheme: 'https', path: '/x', query_string: 'a=1', headers: [['host', 'h.io:444']], server: ['10.0.0.1', 443] };
    expect(String(new URL({ scope: scope as never }))).toBe('https://h.io:444/x?a=1');
    expect(String(new URL({ scope: { ...scope, headers: [] } as never }))).toBe('https://10.0.0.1/x?a=1');
    expect(String(new URL({ scope: { ...scope, headers: [], server: null } as never }))).toBe('/x?a=1');
    expect(new URL('http://a/').equals('http://a/')).toBe(true);
    expect(JSON.stringify({ u: new URL('http://a/') })).toBe('{"u":"http://a/"}');
  });
});

describe('URLPath', () => {
  test('makes absolute URLs with the right scheme for its protocol', () => {
    expect(String(new URLPath('/ws', 'websocket').makeAbsoluteUrl('https://example.org/root/'))).toBe('wss://example.org/root/ws');
    expect(String(new URLPath('/p', 'http').makeAbsoluteUrl('ws://example.org'))).toBe('http://example.org/p');
    expect(String(new URLPath('/p', '', 'api.example.org').makeAbsoluteUrl('http://example.org'))).toBe('http://api.example.org/p');
  });
});

describe('Headers', () => {
  const raw: Header[] = [['content-type', 'text/html'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2']];

  test('lookups are case-insensitive; get returns the first value, getlist all', () => {
    const h = new Headers({ raw });
    expect(h.get('Content-Type')).toBe('text/html');
    expect(h.get('SET-COOKIE')).toBe('a=1');
    expect(h.getlist('set-cookie')).toEqual(['a=1', 'b=2']);
    expect(h.get('missing')).toBeUndefined();
    expect(h.get('missing', 'fallback')).toBe('fallback');
    expect(h.has('Set-Cookie')).toBe(true);
    expect(h.keys()).toEqual(['content-type', 'set-cookie', 'set-cookie']);
    expect(h.length).toBe(3);
    expect([...h]).toEqual(['content-type', 'set-cookie', 'set-cookie']);
  });

  test('builds from a mapping, lower-casing names', () => {
    const h = new Headers({ headers: { 'X-A': '1', 'X-B': '2' } });
    expect(h.raw).toEqual([['x-a', '1'], ['x-b', '2']]);
  });

  test('mutablecopy does not touch the original', () => {
    const h = new Headers({ raw: [['a', '1']] });
    const m = h.mutablecopy();
    m.set('a', '2');
    expect(h.get('a')).toBe('1');
    expect(m.get('a')).toBe('2');
  });
});

describe('MutableHeaders', () => {
  test('set replaces the first occurrence and removes the rest', () => {
    const m = new MutableHeaders({ raw: [['x', '1'], ['y', 'a'], ['x', '2']] });
    m.set('X', '3');
    expect(m.raw).toEqual([['x', '3'], ['y', 'a']]);
    m.set('z', 'new');
    expect(m.raw).toEqual([['x', '3'], ['y', 'a'], ['z', 'new']]);
  });

  test('append, delete, setdefault, update and addVaryHeader', () => {
    const m = new MutableHeaders();
    m.append('Vary', 'Accept');
    m.addVaryHeader('Origin');
    expect(m.get('vary')).toBe('Accept, Origin');
    expect(m.setdefault('x', '1')).toBe('1');
    expect(m.setdefault('x', '2')).toBe('1');
    m.update({ x: '3', Y: '4' });
    m.delete('VARY');
    expect(m.raw).toEqual([['x', '3'], ['y', '4']]);
  });

  test('built over a message, it edits the message headers in place', () => {
    const message: { type: string; status: number; headers?: Iterable<Header> } = { type: 'http.response.start', status: 200, headers: new Set<Header>([['a', '1']]) };
    const m = new MutableHeaders({ scope: message as never });
    m.append('b', '2');
    expect(message.headers).toEqual([['a', '1'], ['b', '2']]);
    const empty: { headers?: Header[] } = {};
    new MutableHeaders({ scope: empty as never }).set('c', '3');
    expect(empty.headers).toEqual([['c', '3']]);
  });
});

describe('QueryParams', () => {
  test('parses like parse_qsl(keep_blank_values=True)', () => {
    const q = new QueryParams('a=1&a=2&b=&c&d=x+y%20z&&e=%E2%9C%93');
    expect(q.multiItems()).toEqual([['a', '1'], ['a', '2'], ['b', ''], ['c', ''], ['d', 'x y z'], ['e', '✓']]);
    expect(q.get('a')).toBe('2');
    expect(q.getlist('a')).toEqual(['1', '2']);
    expect(q.keys()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(q.length).toBe(5);
    expect(q.has('c')).toBe(true);
    expect(String(q)).toBe('a=1&a=2&b=&c=&d=x+y+z&e=%E2%9C%93');
  });

  test('invalid escapes stay literal and bad UTF-8 becomes U+FFFD', () => {
    const q = new QueryParams('x=%zz&y=%&z=%C3&w=100%');
    expect(q.items()).toEqual([['x', '%zz'], ['y', '%'], ['z', '\ufffd'], ['w', '100%']]);
  });

  test('builds from a mapping or pairs', () => {
    expect(String(new QueryParams({ a: 1, b: true }))).toBe('a=1&b=true');
    expect(String(new QueryParams([['a', 'x&y'], ['a', '=']]))).toBe('a=x%26y&a=%3D');
    expect(new QueryParams('').length).toBe(0);
  });

  test('a very large query string is parsed linearly', () => {
    const q = new QueryParams('k=v&'.repeat(100_000));
    expect(q.getlist('k')).toHaveLength(100_000);
  });
});

describe('MultiDict', () => {
  test('supports set, append, setlist, pop, update and clear', () => {
    const d = new MultiDict([['a', '1'], ['b', '2']]);
    d.append('a', '3');
    expect(d.getlist('a')).toEqual(['1', '3']);
    d.set('a', '9');
    expect(d.multiItems()).toEqual([['b', '2'], ['a', '9']]);
    d.setlist('c', ['x', 'y']);
    expect(d.get('c')).toBe('y');
    expect(d.pop('c')).toBe('y');
    expect(d.has('c')).toBe(false);
    d.update({ b: '5' });
    expect(d.items()).toEqual([['a', '9'], ['b', '5']]);
    d.clear();
    expect(d.length).toBe(0);
    expect(new ImmutableMultiDict({ k: 'v' }).toJSON()).toEqual({ k: 'v' });
  });
});

describe('State', () => {
  test('reads and writes through to the underlying record', () => {
    const record: Record<string, unknown> = { a: 1 };
    const state = new State(record);
    expect(state.a).toBe(1);
    state.b = 'two';
    expect(record).toEqual({ a: 1, b: 'two' });
    delete state.a;
    expect(record).toEqual({ b: 'two' });
    expect('b' in state).toBe(true);
    expect(Object.keys(state)).toEqual(['b']);
    expect(state.missing).toBeUndefined();
    expect(state._state).toBe(record);
  });
});
