#!/usr/bin/env node
// CPU time per request: a load-independent companion to run.js for a shared
// machine. Wall-clock req/s moves with whatever else runs on the cores; the
// CPU time the server process itself spends per request (utime + stime from
// /proc/<pid>/stat over a fixed number of requests, after a warm-up) does not,
// to first order. Servers are alternated A B A B like run.js.
//
//   node bench/cpu.js [--requests 20000] [--rounds 3] [--connections 20]
//                     [--servers fastapi-ts,fastify,bare] [--scenarios hello,items,post-items,users]
//                     [--app fastapi-ts=path/to/other-build.js]   (compare two builds of one app)
//                     [--instructions]
//
// --instructions runs each server under valgrind's callgrind instead and
// counts the user-space instructions per request (the kernel's share is not
// counted). Node runs with --single-threaded there: with V8's helper threads
// (concurrent JIT, parallel GC) two runs of one build differed by up to 25 %;
// on the main thread alone they agree within 0.5 %, so one round is enough to
// compare two builds.
// Counters are zeroed after the warm-up and dumped after the measured batch
// (`callgrind_control`). Slow: about 5 ms per request under valgrind.
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const os = require('node:os');
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const autocannon = require('autocannon');

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '20' },
    servers: { type: 'string', default: 'fastapi-ts,fastify,bare' },
    scenarios: { type: 'string', default: 'hello,items,post-items,users' },
    app: { type: 'string', multiple: true, default: [] },
    port: { type: 'string', default: '8766' },
    instructions: { type: 'boolean', default: false },
  },
});
const INSTRUCTIONS = args.instructions;
const CALLGRIND_DIR = INSTRUCTIONS ? fs.mkdtempSync(path.join(os.tmpdir(), 'callgrind-')) : '';
if (INSTRUCTIONS) process.on('exit', () => fs.rmSync(CALLGRIND_DIR, { recursive: true, force: true }));
const PORT = Number(args.port);
const BASE = `http://127.0.0.1:${PORT}`;
const CLK_TCK = 100; // USER_HZ on Linux
const SERVERS = {
  'fastapi-ts': path.join(__dirname, 'dist', 'fastapi-app.js'),
  fastify: path.join(__dirname, 'apps', 'fastify.js'),
  bare: path.join(__dirname, 'apps', 'bare.js'),
  hono: path.join(__dirname, 'apps', 'hono.js'),
};
for (const spec of args.app) {
  const [name, file] = spec.split('=');
  SERVERS[name] = path.resolve(file);
}
const ITEM = JSON.stringify({ name: 'Widget', description: 'A widget', price: 9.5, tax: 1.5, tags: ['a', 'b'] });
const SCENARIOS = {
  hello: { method: 'GET', path: '/hello' },
  items: { method: 'GET', path: '/items/bar' },
  'post-items': { method: 'POST', path: '/items', headers: { 'content-type': 'application/json' }, body: ITEM },
  users: { method: 'GET', path: '/users/?q=abc&skip=5&limit=20', headers: { 'x-token': 'secret' } },
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
function cpuTicks(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function start(name) {
  const command = INSTRUCTIONS
    ? ['valgrind', ['--tool=callgrind', `--callgrind-out-file=${CALLGRIND_DIR}/out.%p`, process.execPath, '--single-threaded', SERVERS[name]]]
    : [process.execPath, [SERVERS[name]]];
  const child = spawn(...command, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PORT: String(PORT), NODE_ENV: 'production' },
  });
  for (let i = 0; ; i++) {
    try {
      await fetch(`${BASE}/hello`);
      return child;
    } catch {
      if (i > (INSTRUCTIONS ? 3000 : 300)) throw new Error(`${name} did not start`);
      await sleep(50);
    }
  }
}

async function load(req, amount) {
  const r = await autocannon({ url: BASE + req.path, method: req.method, headers: req.headers, body: req.body,
    connections: Number(args.connections), amount });
  if (r.non2xx || r.errors) throw new Error(`non-2xx/errors: ${r.non2xx}/${r.errors}`);
}

async function sample(name, scenario) {
  const child = await start(name);
  try {
    const req = SCENARIOS[scenario];
    const n = Number(args.requests);
    // Warm-up: 10 000 requests whatever the batch. After 3 000, callgrind still found TurboFan
    // compiling and incremental marking inside the measured batch, 12-30 % and 16-25 % of its count.
    await load(req, 10000);
    if (INSTRUCTIONS) return await countInstructions(child.pid, () => load(req, n)) / n;
    const before = cpuTicks(child.pid);
    await load(req, n);
    const after = cpuTicks(child.pid);
    return ((after - before) / CLK_TCK) * 1e6 / n; // µs of CPU per request
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
}

/** Instructions callgrind counts in process `pid` while `work` runs. */
async function countInstructions(pid, work) {
  execFileSync('callgrind_control', ['--zero', String(pid)], { stdio: 'ignore' });
  await work();
  execFileSync('callgrind_control', ['--dump', String(pid)], { stdio: 'ignore' });
  const dumps = fs.readdirSync(CALLGRIND_DIR).filter((f) => f.startsWith(`out.${pid}.`));
  const last = dumps.sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop())).pop();
  const totals = /^totals: (\d+)/m.exec(fs.readFileSync(path.join(CALLGRIND_DIR, last), 'utf8'));
  if (!totals) throw new Error(`no totals in callgrind dump ${last}`);
  return Number(totals[1]);
}

async function main() {
  const servers = args.servers.split(',');
  const out = {};
  for (const scenario of args.scenarios.split(',')) {
    const xs = {};
    for (let round = 0; round < Number(args.rounds); round++) {
      for (const name of round % 2 ? [...servers].reverse() : servers) (xs[name] ??= []).push(await sample(name, scenario));
    }
    out[scenario] = xs;
    const med = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
    const unit = INSTRUCTIONS ? ' instr' : 'µs';
    console.log(scenario.padEnd(11) + servers.map((s) => `${s} ${med(xs[s]).toFixed(INSTRUCTIONS ? 0 : 1)}${unit} [${xs[s].map((x) => x.toFixed(0)).join(' ')}]`).join('   '));
  }
  return out;
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
