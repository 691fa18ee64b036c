import { z } from 'zod';
import { compileFastCheck, MISS } from '../../src/internal/fast-check';
import { Int } from '../../src';

// The fast checks must agree with zod exactly: a value they return is the value zod's safeParse
// returns, and the plain schemas they cover must not fall back to zod on valid input.
const counter = { n: 0 };
const dynamicDefault = Int.default(() => ++counter.n);
const SCHEMAS: Array<[string, z.ZodType, boolean]> = [
  ['string', z.string(), true],
  ['Int', Int, true],
  ['number', z.number(), true],
  ['boolean', z.boolean(), true],
  ['optional string', z.string().optional(), true],
  ['nullable Int', Int.nullable(), true],
  ['Int default', Int.default(100), true],
  ['nullable string default null', z.string().nullable().default(null), true],
  ['function default', dynamicDefault, true],
  ['described string', z.string().describe('a name'), true],
  ['number.int', z.number().int(), true],
  ['coerce number', z.coerce.number(), true],
  ['coerce number.int default', z.coerce.number().int().default(0), true],
  ['coerce string', z.coerce.string(), true],
  ['coerce boolean optional', z.coerce.boolean().optional(), true],
  // An optional default still gives its default for a missing value (zod's `optin: "defaulted"`).
  ['Int default optional', Int.default(5).optional(), true],
  ['coerce number.int default optional nullable', z.coerce.number().int().default(5).optional().nullable(), true],
  ['coerce number.int.gt', z.coerce.number().int().gt(0), false],
  ['number.int.max', z.number().int().max(5), false],
  ['string.min', z.string().min(3), false],
  ['Int.gt', Int.gt(0), false],
  ['email', z.email(), false],
  ['int32', z.int32(), false],
  ['enum', z.enum(['a', 'b']), false],
  ['object default', z.object({ a: z.string() }).default({ a: 'x' }), false],
  ['array', z.array(z.string()), false],
  ['transform', z.string().transform((s) => s.length), false],
];
const INPUTS: unknown[] = [
  undefined, null, '', 'abc', ' 12 ', 0, -0, 1, -7, 1.5, 2 ** 53, -(2 ** 53), 2 ** 53 - 1, NaN, Infinity, -Infinity,
  true, false, {}, [], ['a'], 10n, new Date(0),
  // What coercion makes of query strings (and of values it cannot convert).
  '5', '5.0', '-0', '1e3', '0x10', ' ', 'abc', '9007199254740993', Symbol('s'), Object.create(null),
];

describe('fast parameter checks', () => {
  test.each(SCHEMAS)('%s: compiles only for plain schemas', (_name, schema, plain) => {
    expect(compileFastCheck(schema) !== null).toBe(plain);
  });

  test.each(SCHEMAS.filter(([, , plain]) => plain))('%s: agrees with zod on every input', (_name, schema) => {
    const check = compileFastCheck(schema)!;
    let fast = 0;
    for (const input of INPUTS) {
      const value = check(input);
      const result = schema.safeParse(input);
      if (value === MISS) {
        // A miss is allowed only where zod rejects the input (a function default is not a miss: it is a number).
        expect(result.success).toBe(false);
        continue;
      }
      fast++;
      expect(result.success).toBe(true);
      if (schema === dynamicDefault && input === undefined) expect(typeof value).toBe('number');
      else expect(Object.is(value, result.data)).toBe(true);
    }
    expect(fast).toBeGreaterThan(0);
  });

  test('a function default is called on every use, as zod calls it', () => {
    const check = compileFastCheck(dynamicDefault)!;
    const first = check(undefined);
    expect(check(undefined)).toBe((first as number) + 1);
  });
});
