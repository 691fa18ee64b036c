import { z } from 'zod';
import { FastAPI, Int, Path, Query } from 'fastapi-ts';

export const app = new FastAPI();

const fakeItemsDb = [{ item_name: 'Foo' }, { item_name: 'Bar' }, { item_name: 'Baz' }];

// Defaults make parameters optional: GET /items/?skip=1&limit=1
app.get('/items/', { params: { skip: Query(Int.default(0)), limit: Query(Int.default(10)) } }, ({ skip, limit }) =>
  fakeItemsDb.slice(skip, skip + limit),
);

// `.nullable().default(null)` is Python's `q: str | None = None`; `true`, `1`, `on`, `yes` are all true.
app.get(
  '/items/{item_id}',
  {
    params: {
      item_id: Path(z.string()),
      q: Query(z.string().nullable().default(null)),
      short: Query(z.boolean().default(false)),
    },
  },
  ({ item_id, q, short }) => {
    const item: Record<string, unknown> = { item_id };
    if (q !== null) item.q = q;
    if (!short) item.description = 'This is an amazing item that has a long description';
    return item;
  },
);

// Without a default, a query parameter is required; validations come from zod.
app.get(
  '/search/',
  { params: { needy: Query(z.string().min(3).max(50)), tags: Query(z.array(z.string()).default([])) } },
  ({ needy, tags }) => ({ needy, tags }),
);
