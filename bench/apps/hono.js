// Hono on @hono/node-server with the same zod schemas, validation in the handlers.
const { Hono } = require('hono');
const { serve } = require('@hono/node-server');
const { streamSSE } = require('hono/streaming');
const { items, Item, CommonQuery, SSE_DEFAULT_EVENTS } = require('./data');

const app = new Hono();

app.get('/hello', (c) => c.json({ message: 'Hello World' }));

app.get('/items/:item_id', (c) => {
  const item = items[c.req.param('item_id')];
  return item ? c.json(item) : c.json({ detail: 'Item not found' }, 404);
});

app.post('/items', async (c) => {
  let data;
  try { data = await c.req.json(); } catch { return c.json({ detail: 'JSON decode error' }, 422); }
  const parsed = Item.safeParse(data);
  return parsed.success ? c.json(parsed.data) : c.json({ detail: parsed.error.issues }, 422);
});

app.get('/users/', (c) => {
  if (c.req.header('x-token') !== 'secret') return c.json({ detail: 'X-Token header invalid' }, 400);
  const parsed = CommonQuery.safeParse(c.req.query());
  if (!parsed.success) return c.json({ detail: parsed.error.issues }, 422);
  return c.json({ q: parsed.data.q ?? null, skip: parsed.data.skip, limit: parsed.data.limit });
});

app.get('/sse', (c) => {
  const n = Number(c.req.query('n') ?? SSE_DEFAULT_EVENTS);
  return streamSSE(c, async (stream) => {
    for (let i = 0; i < n; i++) await stream.writeSSE({ data: `message ${i}` });
  });
});

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 8000), hostname: '127.0.0.1' }, () => process.send?.('ready'));
