import { z } from 'zod';
import { compileCoercer } from '../../src/internal/coerce';
import { Int } from '../../src';

// Pydantic's lax int parsing of strings: surrounding whitespace and `_` separators are accepted.
describe('int coercion of strings', () => {
  const coerce = compileCoercer(Int)!;
  test.each([
    ['12', 12], [' 12 ', 12], ['\t12\n', 12], ['\u00a012\u00a0', 12], ['1_000', 1000], [' -1_000_000 ', -1000000],
    ['+3', 3], ['-0', -0], ['007', 7],
  ])('%j -> %p', (input, expected) => {
    expect(Object.is(coerce(input), expected)).toBe(true);
  });
  test.each(['x', '1.5', '1__0', '_1', '1_', '', ' ', '0x10', '1e3'])('%j is left for zod to refuse', (input) => {
    expect(coerce(input)).toBe(input);
  });
  test('optional and default wrappers coerce the same way', () => {
    expect(compileCoercer(Int.default(0))!(' 4 ')).toBe(4);
    expect(compileCoercer(z.number().int().optional())!('5')).toBe(5);
  });
});
