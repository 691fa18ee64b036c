import { z } from 'zod';
import { compileCoercer } from '../../src/internal/coerce';
import { expectedList, jsonInvalidError, translateIssues } from '../../src/internal/validation-errors';

function errorsOf(schema: z.ZodType, raw: unknown, prefix: Array<string | number> = ['query', 'x']) {
  const coerce = compileCoercer(schema);
  const result = schema.safeParse(coerce ? coerce(raw) : raw, { reportInput: true });
  if (result.success) return result.data;
  return translateIssues(result.error.issues, schema, raw, prefix);
}

describe('translateIssues', () => {
  test('int_parsing for a string that is not an integer', () => {
    expect(errorsOf(z.int(), 'foo')).toEqual([
      { type: 'int_parsing', loc: ['query', 'x'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'foo' },
    ]);
    expect(errorsOf(z.coerce.number().int(), '1.5')).toEqual([
      { type: 'int_parsing', loc: ['query', 'x'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: '1.5' },
    ]);
  });

  test('int_from_float for a JSON number with a fraction', () => {
    expect(errorsOf(z.int(), 1.5, ['body', 'n'])).toEqual([
      { type: 'int_from_float', loc: ['body', 'n'], msg: 'Input should be a valid integer, got a number with a fractional part', input: 1.5 },
    ]);
  });

  test('float_parsing and float_type', () => {
    expect(errorsOf(z.number(), 'abc')).toEqual([
      { type: 'float_parsing', loc: ['query', 'x'], msg: 'Input should be a valid number, unable to parse string as a number', input: 'abc' },
    ]);
    expect(errorsOf(z.number(), [1], ['body'])).toEqual([{ type: 'float_type', loc: ['body'], msg: 'Input should be a valid number', input: [1] }]);
  });

  test('bool parsing accepts pydantic spellings and reports bool_parsing otherwise', () => {
    for (const yes of ['1', 'on', 'true', 'True', 'yes', 'y', 't']) expect(errorsOf(z.boolean(), yes)).toBe(true);
    for (const no of ['0', 'off', 'false', 'no', 'n', 'f']) expect(errorsOf(z.boolean(), no)).toBe(false);
    expect(errorsOf(z.boolean(), 'maybe')).toEqual([
      { type: 'bool_parsing', loc: ['query', 'x'], msg: 'Input should be a valid boolean, unable to interpret input', input: 'maybe' },
    ]);
  });

  test('string length errors carry ctx and pluralise like pydantic', () => {
    expect(errorsOf(z.string().min(3), 'fo')).toEqual([
      { type: 'string_too_short', loc: ['query', 'x'], msg: 'String should have at least 3 characters', input: 'fo', ctx: { min_length: 3 } },
    ]);
    expect(errorsOf(z.string().min(1), '')).toEqual([
      { type: 'string_too_short', loc: ['query', 'x'], msg: 'String should have at least 1 character', input: '', ctx: { min_length: 1 } },
    ]);
    expect(errorsOf(z.string().max(50), 'x'.repeat(51))).toEqual([
      { type: 'string_too_long', loc: ['query', 'x'], msg: 'String should have at most 50 characters', input: 'x'.repeat(51), ctx: { max_length: 50 } },
    ]);
  });

  test('numeric bounds keep the raw input', () => {
    expect(errorsOf(z.int().gt(0), '0')).toEqual([
      { type: 'greater_than', loc: ['query', 'x'], msg: 'Input should be greater than 0', input: '0', ctx: { gt: 0 } },
    ]);
    expect(errorsOf(z.int().gte(1), '0')).toEqual([
      { type: 'greater_than_equal', loc: ['query', 'x'], msg: 'Input should be greater than or equal to 1', input: '0', ctx: { ge: 1 } },
    ]);
    expect(errorsOf(z.number().lt(10.5), '11')).toEqual([
      { type: 'less_than', loc: ['query', 'x'], msg: 'Input should be less than 10.5', input: '11', ctx: { lt: 10.5 } },
    ]);
    expect(errorsOf(z.int().lte(1000), '1001')).toEqual([
      { type: 'less_than_equal', loc: ['query', 'x'], msg: 'Input should be less than or equal to 1000', input: '1001', ctx: { le: 1000 } },
    ]);
  });

  test('enum and literal errors list the expected values', () => {
    expect(expectedList(['alexnet', 'resnet', 'lenet'])).toBe("'alexnet', 'resnet' or 'lenet'");
    expect(errorsOf(z.enum(['alexnet', 'resnet', 'lenet']), 'foo', ['path', 'model_name'])).toEqual([
      { type: 'enum', loc: ['path', 'model_name'], msg: "Input should be 'alexnet', 'resnet' or 'lenet'", input: 'foo', ctx: { expected: "'alexnet', 'resnet' or 'lenet'" } },
    ]);
    expect(errorsOf(z.literal('a'), 'b')).toEqual([{ type: 'literal_error', loc: ['query', 'x'], msg: "Input should be 'a'", input: 'b', ctx: { expected: "'a'" } }]);
  });

  test('regex mismatch names the pattern', () => {
    expect(errorsOf(z.string().regex(/^fixedquery$/), 'nonregexquery')).toEqual([
      { type: 'string_pattern_mismatch', loc: ['query', 'x'], msg: "String should match pattern '^fixedquery$'", input: 'nonregexquery', ctx: { pattern: '^fixedquery$' } },
    ]);
  });

  test('nested body errors: missing reports the parent object, type errors the value', () => {
    const schema = z.object({ name: z.string(), price: z.number(), image: z.object({ url: z.string() }).optional(), tags: z.array(z.string()) });
    const raw = { price: 'x', image: 'nope', tags: 'a' };
    expect(errorsOf(schema, raw, ['body'])).toEqual([
      { type: 'missing', loc: ['body', 'name'], msg: 'Field required', input: raw },
      { type: 'float_parsing', loc: ['body', 'price'], msg: 'Input should be a valid number, unable to parse string as a number', input: 'x' },
      { type: 'model_attributes_type', loc: ['body', 'image'], msg: 'Input should be a valid dictionary or object to extract fields from', input: 'nope' },
      { type: 'list_type', loc: ['body', 'tags'], msg: 'Input should be a valid list', input: 'a' },
    ]);
  });

  test('array items report their index; list length errors count items', () => {
    expect(errorsOf(z.array(z.int()), ['1', 'x'])).toEqual([
      { type: 'int_parsing', loc: ['query', 'x', 1], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'x' },
    ]);
    expect(errorsOf(z.array(z.string()).min(2), ['a'])).toEqual([
      { type: 'too_short', loc: ['query', 'x'], msg: 'List should have at least 2 items after validation, not 1', input: ['a'], ctx: { field_type: 'List', min_length: 2, actual_length: 1 } },
    ]);
  });

  test('records are dictionaries; strict objects forbid extras; refinements are value errors', () => {
    expect(errorsOf(z.record(z.string(), z.number()), 3, ['body'])).toEqual([{ type: 'dict_type', loc: ['body'], msg: 'Input should be a valid dictionary', input: 3 }]);
    expect(errorsOf(z.strictObject({ a: z.string() }), { a: 'x', b: 1 }, ['body'])).toEqual([
      { type: 'extra_forbidden', loc: ['body', 'b'], msg: 'Extra inputs are not permitted', input: 1 },
    ]);
    expect(errorsOf(z.string().refine((s) => s.startsWith('a'), 'must start with a'), 'b')).toEqual([
      { type: 'value_error', loc: ['query', 'x'], msg: 'Value error, must start with a', input: 'b', ctx: { error: {} } },
    ]);
  });

  test('string_type for a number where a string is wanted (no lax str coercion, as pydantic)', () => {
    expect(errorsOf(z.object({ name: z.string() }), { name: 1 }, ['body'])).toEqual([
      { type: 'string_type', loc: ['body', 'name'], msg: 'Input should be a valid string', input: 1 },
    ]);
  });
});

describe('jsonInvalidError', () => {
  test.each([
    ['{"name": "Foo", "price": }', 25, 'Expecting value'],
    ['{some broken json}', 1, 'Expecting property name enclosed in double quotes'],
    ['{"a": 1', 7, "Expecting ',' delimiter"],
    ['', 0, 'Expecting value'],
    ['{"a": 1}x', 8, 'Extra data'],
    ['[1,,2]', 3, 'Expecting value'],
    ['{"a" 1}', 5, "Expecting ':' delimiter"],
    ['"abc', 0, 'Unterminated string starting at'],
  ])('%j fails at %i with "%s", as Python json', (text, pos, error) => {
    expect(jsonInvalidError(text)).toEqual({ type: 'json_invalid', loc: ['body', pos], msg: 'JSON decode error', input: {}, ctx: { error } });
  });
});
