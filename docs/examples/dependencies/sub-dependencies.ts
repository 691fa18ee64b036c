import { z } from 'zod';
import { Cookie, Depends, dependency, FastAPI, Query } from 'fastapi-ts';

export const queryExtractor = dependency({ q: Query(z.string().nullable().default(null)) }, ({ q }) => q);

// A dependency that depends on another: the query wins, else the last query kept in a cookie.
export const queryOrCookieExtractor = dependency(
  { q: Depends(queryExtractor), last_query: Cookie(z.string().nullable().default(null)) },
  ({ q, last_query }) => q ?? last_query,
);

export const app = new FastAPI();

app.get('/items/', { params: { query_or_default: Depends(queryOrCookieExtractor) } }, ({ query_or_default }) => ({
  q_or_cookie: query_or_default,
}));
