// The floor: a hand-written node:http handler doing the same work as the frameworks.
const http = require('node:http');
const { WebSocketServer } = require('ws');
const { items, Item, CommonQuery, SSE_DEFAULT_EVENTS } = require('./data');

const JSON_HEADERS = { 'content-type': 'application/json' };

function json(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const server = http.createServer(async (req, res) => {
  const q = req.url.indexOf('?');
  const path = q === -1 ? req.url : req.url.slice(0, q);
  if (req.method === 'GET' && path === '/hello') return json(res, 200, { message: 'Hello World' });
  if (req.method === 'GET' && path.startsWith('/items/')) {
    const item = items[decodeURIComponent(path.slice(7))];
    return item ? json(res, 200, item) : json(res, 404, { detail: 'Item not found' });
  }
  if (req.method === 'POST' && path === '/items') {
    let data;
    try { data = JSON.parse(await readBody(req)); } catch { return json(res, 422, { detail: 'JSON decode error' }); }
    const parsed = Item.safeParse(data);
    return parsed.success ? json(res, 200, parsed.data) : json(res, 422, { detail: parsed.error.issues });
  }
  if (req.method === 'GET' && path === '/users/') {
    if (req.headers['x-token'] !== 'secret') return json(res, 400, { detail: 'X-Token header invalid' });
    const params = Object.fromEntries(new URLSearchParams(q === -1 ? '' : req.url.slice(q + 1)));
    const parsed = CommonQuery.safeParse(params);
    if (!parsed.success) return json(res, 422, { detail: parsed.error.issues });
    return json(res, 200, { q: parsed.data.q ?? null, skip: parsed.data.skip, limit: parsed.data.limit });
  }
  if (req.method === 'GET' && path === '/sse') {
    const n = Number(new URLSearchParams(req.url.slice(q + 1)).get('n') ?? SSE_DEFAULT_EVENTS);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' });
    for (let i = 0; i < n; i++) {
      if (!res.write(`data: message ${i}\r\n\r\n`)) await new Promise((r) => res.once('drain', r));
    }
    return res.end();
  }
  res.writeHead(404, JSON_HEADERS);
  res.end('{"detail":"Not Found"}');
});

const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
  if (req.url !== '/ws') return socket.destroy();
  wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (data, isBinary) => ws.send(isBinary ? data : `Echo: ${data}`)));
});

server.listen(Number(process.env.PORT ?? 8000), '127.0.0.1', () => process.send?.('ready'));
