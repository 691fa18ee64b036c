import { z } from 'zod';
import { Cookie, FastAPI, Header } from 'fastapi-ts';

export const app = new FastAPI();

// `user_agent` reads the `User-Agent` header: underscores become hyphens, case does not matter.
app.get('/headers/', { params: { user_agent: Header(z.string().nullable().default(null)) } }, ({ user_agent }) => ({ 'User-Agent': user_agent }));

// A header sent several times arrives as a list when the schema is an array.
app.get('/tokens/', { params: { x_token: Header(z.array(z.string()).nullable().default(null)) } }, ({ x_token }) => ({ 'X-Token values': x_token }));

app.get('/cookies/', { params: { ads_id: Cookie(z.string().nullable().default(null)) } }, ({ ads_id }) => ({ ads_id }));
