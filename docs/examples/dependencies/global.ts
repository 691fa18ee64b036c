import { z } from 'zod';
import { APIRouter, Depends, dependency, FastAPI, Header, HTTPException } from 'fastapi-ts';

// Dependencies whose value is not needed, only their checks.
export const verifyToken = dependency({ x_token: Header(z.string()) }, ({ x_token }) => {
  if (x_token !== 'fake-super-secret-token') throw new HTTPException(400, 'X-Token header invalid');
});
export const verifyKey = dependency({ x_key: Header(z.string()) }, ({ x_key }) => {
  if (x_key !== 'fake-super-secret-key') throw new HTTPException(400, 'X-Key header invalid');
  return x_key;
});

// On the whole app ...
export const app = new FastAPI({ dependencies: [Depends(verifyToken)] });

// ... on a router (every route of it) ...
const admin = new APIRouter({ prefix: '/admin', dependencies: [Depends(verifyKey)] });
admin.get('/stats', {}, () => ({ users: 2 }));
app.includeRouter(admin);

// ... or on one path operation.
app.get('/items/', { dependencies: [Depends(verifyKey)] }, () => [{ item: 'Foo' }, { item: 'Bar' }]);
app.get('/public/', {}, () => ({ ok: true }));
