import { jsonableEncoder, isPlainJson } from '../src/encoders';

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

describe('jsonableEncoder', () => {
  test('encodes dates, maps, sets, bigints, buffers and class instances', () => {
    const value = {
      when: new Date(Date.UTC(2020, 0, 2, 3, 4, 5)),
      map: new Map<unknown, unknown>([['a', 1], [2, new Set(['x'])]]),
      big: 10n,
      huge: 2n ** 70n,
      buf: Buffer.from('héllo'),
      point: new Point(1, 2),
      url: new URL('http://example.com/a'),
      dropped: undefined,
      fn: () => 1,
      list: [undefined, 1n],
      nan: NaN,
    };
    expect(jsonableEncoder(value)).toEqual({
      when: '2020-01-02T03:04:05.000Z',
      map: { a: 1, '2': ['x'] },
      big: 10,
      huge: '1180591620717411303424',
      buf: 'héllo',
      point: { x: 1, y: 2 },
      url: 'http://example.com/a',
      list: [null, 1],
      nan: null,
    });
  });

  test('include / exclude / excludeNone apply at every level', () => {
    const value = { a: 1, b: { c: 2, d: null, e: 3 }, f: null };
    expect(jsonableEncoder(value, { exclude: { b: { c: true } } })).toEqual({ a: 1, b: { d: null, e: 3 }, f: null });
    expect(jsonableEncoder(value, { include: ['b'] })).toEqual({ b: { c: 2, d: null, e: 3 } });
    expect(jsonableEncoder(value, { excludeNone: true })).toEqual({ a: 1, b: { c: 2, e: 3 } });
  });

  test('custom encoders win', () => {
    expect(jsonableEncoder({ p: new Point(1, 2) }, { customEncoder: new Map([[Point, (p: Point) => `${p.x},${p.y}`]]) })).toEqual({ p: '1,2' });
  });

  test('refuses circular structures with a clear error', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => jsonableEncoder(a)).toThrow('nested deeper than 512 levels');
  });

  test('isPlainJson detects values JSON.stringify renders faithfully', () => {
    expect(isPlainJson({ a: [1, 'x', null, true, { b: 2 }] })).toBe(true);
    expect(isPlainJson({ a: new Date() })).toBe(false);
    expect(isPlainJson({ a: undefined })).toBe(false);
    expect(isPlainJson([Infinity])).toBe(false);
  });

  test('a "__proto__" key (JSON.parse makes one) is kept as data, in objects and in Maps, and sets no prototype', () => {
    const text = '{"__proto__":{"polluted":true},"a":1,"when":"1970-01-01T00:00:00.000Z"}';
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const encoded = jsonableEncoder({ ...parsed, when: new Date(0) }) as Record<string, unknown>;
    expect(JSON.stringify(encoded)).toBe(text);
    expect(Object.getPrototypeOf(encoded)).toBe(Object.prototype);
    expect(encoded.polluted).toBeUndefined();
    expect(JSON.stringify(jsonableEncoder(new Map([['__proto__', 1]])))).toBe('{"__proto__":1}');
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  test('a plain object is one whose prototype is Object.prototype or null, whatever its own __proto__ key holds', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(isPlainJson(parsed)).toBe(true);
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1, nested: Object.assign(Object.create(null), { b: [2] }) });
    expect(isPlainJson(bare)).toBe(true);
    expect(jsonableEncoder(bare)).toEqual({ a: 1, nested: { b: [2] } });
    class Point {
      constructor(readonly x: number) {}
    }
    expect(isPlainJson(new Point(1))).toBe(false);
    expect(isPlainJson({ p: new Point(1) })).toBe(false);
    expect(isPlainJson(Object.create({ inherited: 1 }))).toBe(false);
  });
});
