import { z } from 'zod';
import { toIncExTree } from '../../src/encoders';
import { Model } from '../../src/models';
import { compileSerializer } from '../../src/internal/serialize';

class Item extends Model('Item', {
  name: z.string(),
  description: z.string().nullable().optional(),
  price: z.number(),
  tax: z.number().default(10.5),
  tags: z.array(z.string()).default([]),
}) {}

const serializer = compileSerializer(Item.schema);
const run = (value: unknown, opts = {}) => {
  const out = serializer.run(value, opts);
  return out.ok ? out.value : out.errors;
};

describe('response model serialisation', () => {
  test('fills defaults and writes optional nullable fields as null (pydantic `= None`)', () => {
    expect(run({ name: 'Foo', price: 50.2 })).toEqual({ name: 'Foo', description: null, price: 50.2, tax: 10.5, tags: [] });
  });

  test('excludeUnset keeps only the keys the value had (plain objects and Model instances)', () => {
    expect(run({ name: 'Foo', price: 50.2 }, { excludeUnset: true })).toEqual({ name: 'Foo', price: 50.2 });
    expect(run({ name: 'Bar', description: 'The bartenders', price: 62, tax: 20.2 }, { excludeUnset: true })).toEqual({
      name: 'Bar',
      description: 'The bartenders',
      price: 62,
      tax: 20.2,
    });
    expect(run(new Item({ name: 'Baz', price: 50.2, tax: 10.5 }), { excludeUnset: true })).toEqual({ name: 'Baz', price: 50.2, tax: 10.5 });
  });

  test('excludeUnset on a plain object: own enumerable keys holding a value, null included, are the set ones', () => {
    expect(run({ name: 'Foo', price: 1, tax: undefined, description: null }, { excludeUnset: true })).toEqual({ name: 'Foo', price: 1, description: null });
    const inherited = Object.assign(Object.create({ tax: 3 }), { name: 'Foo', price: 1 });
    expect(run(inherited, { excludeUnset: true })).toEqual({ name: 'Foo', price: 1 });
    const hidden = Object.defineProperty({ name: 'Foo', price: 1 }, 'tax', { value: 3, enumerable: false });
    expect(run(hidden, { excludeUnset: true })).toEqual({ name: 'Foo', price: 1 });
  });

  test('an instance of the model itself is validated again, as FastAPI validates the dump of a returned model', () => {
    const item = new Item({ name: 'Baz', price: 50.2 });
    expect(run(item, { excludeUnset: true })).toEqual({ name: 'Baz', price: 50.2 });
    (item as { price: unknown }).price = 'changed after validation';
    expect(run(item)).toEqual([expect.objectContaining({ type: 'float_parsing', loc: ['response', 'price'] })]);
  });

  test('excludeDefaults drops values equal to their default, even when set', () => {
    expect(run({ name: 'Baz', description: null, price: 50.2, tax: 10.5, tags: [] }, { excludeDefaults: true })).toEqual({ name: 'Baz', price: 50.2 });
  });

  test('excludeNone drops nulls', () => {
    expect(run({ name: 'Foo', price: 1, description: null }, { excludeNone: true })).toEqual({ name: 'Foo', price: 1, tax: 10.5, tags: [] });
  });

  test('include and exclude select fields, nested too', () => {
    expect(run({ name: 'Foo', price: 1 }, { include: toIncExTree(['name', 'description']) })).toEqual({ name: 'Foo', description: null });
    expect(run({ name: 'Foo', price: 1 }, { exclude: toIncExTree(['tax']) })).toEqual({ name: 'Foo', description: null, price: 1, tags: [] });
    const nested = compileSerializer(z.object({ owner: z.object({ name: z.string(), secret: z.string() }), items: z.array(Item.schema) }));
    const out = nested.run(
      { owner: { name: 'a', secret: 's' }, items: [{ name: 'x', price: 1 }] },
      { exclude: toIncExTree({ owner: { secret: true }, items: { __all__: { tax: true, tags: true } } }), excludeUnset: false },
    );
    expect(out).toEqual({ ok: true, value: { owner: { name: 'a' }, items: [{ name: 'x', description: null, price: 1 }] } });
  });

  test('excludeUnset works at every nesting level', () => {
    const nested = compileSerializer(z.object({ items: z.array(Item.schema) }));
    expect(nested.run({ items: [{ name: 'x', price: 1 }, { name: 'y', price: 2, tax: 3 }] }, { excludeUnset: true })).toEqual({
      ok: true,
      value: { items: [{ name: 'x', price: 1 }, { name: 'y', price: 2, tax: 3 }] },
    });
  });

  test('a value that does not match reports errors under "response"', () => {
    expect(run({ name: 'Foo' })).toEqual([{ type: 'missing', loc: ['response', 'price'], msg: 'Field required', input: { name: 'Foo' } }]);
  });

  test('dates become ISO strings', () => {
    const s = compileSerializer(z.object({ at: z.date() }));
    expect(s.run({ at: new Date(0) }, {})).toEqual({ ok: true, value: { at: '1970-01-01T00:00:00.000Z' } });
  });
});
