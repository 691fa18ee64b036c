import { z } from 'zod';
import { Depends, dependency, FastAPI, Int, Query } from 'fastapi-ts';

// A dependency declares its own parameters, like a path operation does.
export const commonParameters = dependency(
  { q: Query(z.string().nullable().default(null)), skip: Query(Int.default(0)), limit: Query(Int.default(100)) },
  ({ q, skip, limit }) => ({ q, skip, limit }),
);

export const app = new FastAPI();

app.get('/items/', { params: { commons: Depends(commonParameters) } }, ({ commons }) => commons);
app.get('/users/', { params: { commons: Depends(commonParameters) } }, ({ commons }) => ({ ...commons, kind: 'users' }));
