import { z } from 'zod';
import { Depends, dependency, FastAPI, Header, HTTPException, Query } from 'fastapi-ts';

// In real life this calls a service over the network.
export const currentUser = dependency({ authorization: Header(z.string()) }, async ({ authorization }) => {
  if (authorization !== 'Bearer secret') throw new HTTPException(401, 'Not authenticated');
  return { name: 'Rick' };
});

export const app = new FastAPI();

app.get('/me', { params: { user: Depends(currentUser), greeting: Query(z.string().default('Hello')) } }, ({ user, greeting }) => ({
  message: `${greeting}, ${user.name}`,
}));
