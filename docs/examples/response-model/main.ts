import { z } from 'zod';
import { Body, FastAPI, Model, Path } from 'fastapi-ts';

export class UserIn extends Model('UserIn', {
  username: z.string(),
  password: z.string(),
  email: z.email(),
  full_name: z.string().nullable().default(null),
}) {}

// The response model filters: the password never leaves the server.
export class UserOut extends Model('UserOut', {
  username: z.string(),
  email: z.email(),
  full_name: z.string().nullable().default(null),
}) {}

export class Item extends Model('Item', {
  name: z.string(),
  description: z.string().nullable().default(null),
  price: z.number(),
  tax: z.number().default(10.5),
  tags: z.array(z.string()).default([]),
}) {}

const items: Record<string, Record<string, unknown>> = {
  foo: { name: 'Foo', price: 50.2 },
  bar: { name: 'Bar', description: 'The bartenders', price: 62, tax: 20.2 },
  baz: { name: 'Baz', description: null, price: 50.2, tax: 10.5, tags: [] },
};

export const app = new FastAPI();

app.post('/user/', { params: { user: Body(UserIn) }, responseModel: UserOut }, ({ user }) => user);

// Only the keys the data really has: defaults are not added (exclude-unset).
app.get('/items/{item_id}', { params: { item_id: Path(z.string()) }, responseModel: Item, responseModelExcludeUnset: true }, ({ item_id }) => items[item_id]);

// Or pick fields: include / exclude.
app.get('/items/{item_id}/name', { params: { item_id: Path(z.string()) }, responseModel: Item, responseModelInclude: ['name', 'description'] }, ({ item_id }) => items[item_id]);
app.get('/items/{item_id}/public', { params: { item_id: Path(z.string()) }, responseModel: Item, responseModelExclude: ['tax'] }, ({ item_id }) => items[item_id]);
