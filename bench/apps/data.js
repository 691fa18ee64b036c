// The data every bench app serves: the seed's items and the five-field Item model,
// so that all apps do identical work.
const { z } = require('zod');

/** The response-model scenario's items; absent keys are "unset" and left out of responses. */
const items = {
  foo: { name: 'Foo', price: 50.2 },
  bar: { name: 'Bar', description: 'The bartenders', price: 62, tax: 20.2 },
  baz: { name: 'Baz', description: null, price: 50.2, tax: 10.5, tags: [] },
};

/** The five-field model validated by POST /items. */
const Item = z.object({
  name: z.string().min(1),
  description: z.string().nullable().optional(),
  price: z.number().gt(0),
  tax: z.number().default(10.5),
  tags: z.array(z.string()).default([]),
});

/** The query dependency of GET /users/. */
const CommonQuery = z.object({
  q: z.string().optional(),
  skip: z.coerce.number().int().default(0),
  limit: z.coerce.number().int().default(100),
});

module.exports = { items, Item, CommonQuery, SSE_DEFAULT_EVENTS: 1000 };
