import { z } from 'zod';
import { Body, FastAPI, Model, Path, Query } from 'fastapi-ts';

// A model is a class built from a zod shape; its name is the OpenAPI schema name.
export class Item extends Model('Item', {
  name: z.string(),
  description: z.string().nullable().default(null),
  price: z.number(),
  tax: z.number().nullable().default(null),
}) {}

export const app = new FastAPI();

app.post('/items/', { params: { item: Body(Item) } }, ({ item }) => {
  if (item.tax === null) return item;
  return { ...item, price_with_tax: item.price + item.tax };
});

// Path, query and body together: each value comes from where it is declared.
app.put(
  '/items/{item_id}',
  { params: { item_id: Path(z.coerce.number().int()), item: Body(Item), q: Query(z.string().nullable().default(null)) } },
  ({ item_id, item, q }) => ({ item_id, ...item, ...(q === null ? {} : { q }) }),
);
