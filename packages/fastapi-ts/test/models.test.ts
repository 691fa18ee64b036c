import 'reflect-metadata';
import { z } from 'zod';
import { fieldsSet, instantiate, isModelClass, Model } from '../src/models';
import { ValidationError } from '../src/errors';

class Item extends Model('Item', {
  name: z.string(),
  description: z.string().nullable().optional(),
  price: z.number(),
  tax: z.number().default(10.5),
  tags: z.array(z.string()).default([]),
}) {}

describe('Model', () => {
  test('exposes its name and zod schema as statics', () => {
    expect(Item.modelName).toBe('Item');
    expect(Item.schema.shape.price).toBeDefined();
    expect(Item.name).toBe('Item');
    expect(isModelClass(Item)).toBe(true);
    expect(isModelClass(class {})).toBe(false);
  });

  test('instances hold the validated fields with defaults filled in', () => {
    const item = new Item({ name: 'Foo', price: 50.2 });
    expect(item).toBeInstanceOf(Item);
    expect({ ...item }).toEqual({ name: 'Foo', price: 50.2, tax: 10.5, tags: [] });
  });

  test('instances remember which fields the input set', () => {
    const item = new Item({ name: 'Foo', price: 50.2, tax: 10.5 });
    expect([...fieldsSet(item)].sort()).toEqual(['name', 'price', 'tax']);
    expect(Object.keys(item)).not.toContain(expect.any(Symbol));
  });

  test('the fields set survive copies only where they agree with the copy', () => {
    // Defaults filled in: the set is recorded on the instance, and a spread copy does not carry it.
    const partial = new Item({ name: 'Foo', price: 50.2 });
    expect([...fieldsSet(partial)].sort()).toEqual(['name', 'price']);
    expect([...fieldsSet({ ...partial })].sort()).toEqual(['name', 'price', 'tags', 'tax']);
    // Every field given: nothing needs recording, and the set is still every field.
    const full = new Item({ name: 'Foo', price: 50.2, tax: 1, tags: ['a'] });
    expect([...fieldsSet(full)].sort()).toEqual(['name', 'price', 'tags', 'tax']);
    expect(Object.getOwnPropertySymbols(full)).toEqual([]);
    expect(Object.getOwnPropertySymbols(partial)).toHaveLength(1);
    // Nested models record theirs the same way.
    const Order = Model('Order', { item: Item.schema, note: z.string().default('') });
    const order = Order.validate({ item: { name: 'N', price: 1 } });
    expect([...fieldsSet(order)]).toEqual(['item']);
    expect([...fieldsSet(order.item as object)].sort()).toEqual(['name', 'price']);
  });

  test('keys the model does not have, and keys holding undefined, are not fields set', () => {
    const item = new Item({ name: 'Foo', price: 1, tax: 2, tags: [], description: undefined, extra: true } as never);
    expect([...fieldsSet(item)].sort()).toEqual(['name', 'price', 'tags', 'tax']);
    expect(Object.getOwnPropertySymbols(item)).toEqual([]);
    const defaulted = new Item({ name: 'Foo', price: 1, description: undefined, extra: true } as never);
    expect([...fieldsSet(defaulted)].sort()).toEqual(['name', 'price']);
  });

  test('objects nested in lists, strict and loose objects record the fields their input set', () => {
    const Cart = Model('Cart', {
      lines: z.array(z.object({ sku: z.string(), qty: z.number().default(1) })),
      tags: z.array(z.string()),
      strict: z.strictObject({ a: z.string(), b: z.number().default(0) }).optional(),
      loose: z.looseObject({ a: z.string(), b: z.number().default(0) }).optional(),
    });
    const cart = Cart.validate({ lines: [{ sku: 'x' }, { sku: 'y', qty: 2 }], tags: ['t'], strict: { a: 's' }, loose: { a: 'l', extra: 1 } });
    expect([...fieldsSet(cart)].sort()).toEqual(['lines', 'loose', 'strict', 'tags']);
    expect(cart.lines.map((line) => [...fieldsSet(line)].sort())).toEqual([['sku'], ['qty', 'sku']]);
    expect([...fieldsSet(cart.strict!)]).toEqual(['a']);
    // A loose object keeps the keys the model does not declare; they are not fields set.
    expect(cart.loose).toEqual({ a: 'l', b: 0, extra: 1 });
    expect([...fieldsSet(cart.loose!)]).toEqual(['a']);
    const full = Cart.validate({ lines: [], tags: [], loose: { a: 'l', b: 2, extra: 1 } });
    expect([...fieldsSet(full.loose!)].sort()).toEqual(['a', 'b']);
  });

  test('a subclass that declares a schema of its own is marked by that schema, not by its parent\'s', () => {
    const Base = Model('Base', { a: z.string(), b: z.number().default(1) });
    expect([...fieldsSet(instantiate(Base, { a: 'x' }, { a: 'x', b: 1 }))]).toEqual(['a']);
    class Sub extends Base {}
    Object.defineProperty(Sub, 'schema', { value: z.object({ c: z.string(), d: z.number().default(2) }) });
    const sub = instantiate<object>(Sub, { c: 'y' }, { c: 'y', d: 2 });
    expect([...fieldsSet(sub)]).toEqual(['c']);
  });

  test('coerces in lax mode like pydantic (numeric strings)', () => {
    const item = Item.validate({ name: 'Foo', price: '3.5' });
    expect(item.price).toBe(3.5);
  });

  test('invalid input throws a ValidationError with pydantic-style errors', () => {
    let caught: unknown;
    try {
      new Item({ price: 'abc' } as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).code).toBe('validation_error');
    expect((caught as ValidationError).errors).toEqual([
      { type: 'missing', loc: ['name'], msg: 'Field required', input: { price: 'abc' } },
      { type: 'float_parsing', loc: ['price'], msg: 'Input should be a valid number, unable to parse string as a number', input: 'abc' },
    ]);
  });

  test('plain objects count their own defined keys as set', () => {
    expect([...fieldsSet({ a: 1, b: undefined, c: null })]).toEqual(['a', 'c']);
  });
});
