#!/usr/bin/env node
// In-process cost of the framework alone: calls the compiled fastapi-ts bench app's
// ASGI callable directly (no server, no sockets) with one scenario's scope and a
// resolved receive/send, and prints the CPU time per call. This isolates the
// Starlette + FastAPI layers from node:http and asgi-core, so variants of a hot
// path can be compared A/B on a shared machine (run each variant alternately).
//
//   node bench/micro.js [app-module=dist/fastapi-app.js] [hello|items|users|post] [calls=100000]
'use strict';
const path = require('node:path');

const modulePath = path.resolve(process.argv[2] ?? path.join(__dirname, 'dist', 'fastapi-app.js'));
const scenario = process.argv[3] ?? 'hello';
const N = Number(process.argv[4] ?? 100000);
const { app } = require(modulePath);
const { ACCEPTS_TEXT } = require('asgi-core');
const REQUESTS = {
  hello: { method: 'GET', path: '/hello', qs: '', headers: [], body: '' },
  items: { method: 'GET', path: '/items/bar', qs: '', headers: [], body: '' },
  users: { method: 'GET', path: '/users/', qs: 'q=abc&skip=5&limit=20', headers: [['x-token', 'secret']], body: '' },
  post: {
    method: 'POST', path: '/items', qs: '', headers: [['content-type', 'application/json']],
    body: '{"name":"Widget","description":"A widget","price":9.5,"tax":1.5,"tags":["a","b"]}',
  },
};
const r = REQUESTS[scenario];
if (!r) throw new Error(`unknown scenario ${scenario}; known: ${Object.keys(REQUESTS)}`);
const body = Buffer.from(r.body);
const asgi = { version: '3.0', spec_version: '2.4' };
let last;

async function once() {
  const scope = {
    type: 'http', asgi, http_version: '1.1', method: r.method, scheme: 'http', path: r.path, raw_path: r.path,
    query_string: r.qs, root_path: '', client: ['127.0.0.1', 5555], server: ['127.0.0.1', 8000], state: {},
    headers: [['host', '127.0.0.1:8000'], ['connection', 'keep-alive'], ...r.headers, ['content-length', String(body.length)]],
  };
  const message = { type: 'http.request', body, more_body: false };
  const receive = () => Promise.resolve(message);
  const send = (m) => {
    if (m.type === 'http.response.body') last = m.body;
    else if (m.type === 'http.response.text') last = m.text;
    return Promise.resolve();
  };
  send[ACCEPTS_TEXT] = true; // as asgi-core's send: the JSON answer goes out as text
  await app(scope, receive, send);
}

(async () => {
  for (let i = 0; i < 20000; i++) await once(); // warm-up: JIT
  process.stderr.write(`${Buffer.from(last).toString()}\n`);
  const before = process.cpuUsage();
  for (let i = 0; i < N; i++) await once();
  const used = process.cpuUsage(before);
  console.log(`${scenario} ${((used.user + used.system) / N).toFixed(2)} µs/call`);
})();
