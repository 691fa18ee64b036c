// Fastify 5 with the same zod schemas; validation and exclude-unset done in the handlers.
const Fastify = require('fastify');
const { WebSocketServer } = require('ws');
const { items, Item, CommonQuery, SSE_DEFAULT_EVENTS } = require('./data');

const app = Fastify({ logger: false });

app.get('/hello', async () => ({ message: 'Hello World' }));

app.get('/items/:item_id', async (req, reply) => {
  const item = items[req.params.item_id];
  if (!item) return reply.code(404).send({ detail: 'Item not found' });
  return item;
});

app.post('/items', async (req, reply) => {
  const parsed = Item.safeParse(req.body);
  if (!parsed.success) return reply.code(422).send({ detail: parsed.error.issues });
  return parsed.data;
});

app.get('/users/', async (req, reply) => {
  if (req.headers['x-token'] !== 'secret') return reply.code(400).send({ detail: 'X-Token header invalid' });
  const parsed = CommonQuery.safeParse(req.query);
  if (!parsed.success) return reply.code(422).send({ detail: parsed.error.issues });
  return { q: parsed.data.q ?? null, skip: parsed.data.skip, limit: parsed.data.limit };
});

app.get('/sse', async (req, reply) => {
  const n = Number(req.query.n ?? SSE_DEFAULT_EVENTS);
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' });
  for (let i = 0; i < n; i++) {
    if (!res.write(`data: message ${i}\r\n\r\n`)) await new Promise((r) => res.once('drain', r));
  }
  res.end();
});

const wss = new WebSocketServer({ noServer: true });
app.server.on('upgrade', (req, socket, head) => {
  if (req.url !== '/ws') return socket.destroy();
  wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (data, isBinary) => ws.send(isBinary ? data : `Echo: ${data}`)));
});

app.listen({ port: Number(process.env.PORT ?? 8000), host: '127.0.0.1' }).then(() => process.send?.('ready'));
