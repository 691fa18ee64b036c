#!/usr/bin/env node
// Side-by-side benchmark: every server measured in the same run, alternated
// A B C A B C ..., the server pinned to core 0 and the load generator to core 1
// (where `taskset` exists). Prints req/s, p99 latency, peak RSS and the ratio of
// fastapi-ts to each peer; writes bench/results/latest.json and docs/benchmarks.svg.
// Then, for each HTTP scenario, paired rounds: fastapi-ts and one peer served at
// the same time from core 0, each loaded with half the connections, in fresh
// processes every round. Sharing the core, both see the same machine at every
// instant; the rounds report the ratio of their throughputs and of their CPU time
// per request (read from /proc), which the machine's drift cancels out of
// (docs/benchmarks.md, "Method").
//
//   node bench/run.js [--duration 4] [--connections 50] [--rounds 5] [--paired-rounds 5]
//                     [--servers fastapi-ts,fastify,bare,hono] [--scenarios hello,items,...]
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const autocannon = require('autocannon');
const WebSocket = require('ws');
const { renderChart } = require('./chart');

const HAS_TASKSET = spawnSync('taskset', ['--version']).status === 0;

// Pin this process (the load generator) to core 1, once.
if (HAS_TASKSET && !process.env.BENCH_PINNED) {
  const child = spawn('taskset', ['-c', '1', process.execPath, __filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_PINNED: '1' },
  });
  child.on('exit', (code) => process.exit(code ?? 1));
  return;
}

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '4' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '5' },
    'paired-rounds': { type: 'string', default: '5' },
    servers: { type: 'string', default: 'fastapi-ts,fastify,bare,hono' },
    scenarios: { type: 'string', default: 'hello,items,post-items,users,ws-echo,sse' },
    port: { type: 'string', default: '8765' },
  },
});
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const ROUNDS = Number(args.rounds);
const PAIRED_ROUNDS = Number(args['paired-rounds']);
const PAIRED_CONNECTIONS = Math.max(1, CONNECTIONS >> 1);
const PORT = Number(args.port);
const baseOf = (port) => `http://127.0.0.1:${port}`;
const BASE = baseOf(PORT);

const SERVERS = {
  'fastapi-ts': path.join(__dirname, 'dist', 'fastapi-app.js'),
  fastify: path.join(__dirname, 'apps', 'fastify.js'),
  bare: path.join(__dirname, 'apps', 'bare.js'),
  hono: path.join(__dirname, 'apps', 'hono.js'),
};
const NO_WEBSOCKET = new Set(['hono']); // Hono's node adapter needs an extra package for WebSockets

const ITEM = JSON.stringify({ name: 'Widget', description: 'A widget', price: 9.5, tax: 1.5, tags: ['a', 'b'] });

/** Each scenario: how to load it, and the answer every server must give (checked before measuring). */
const SCENARIOS = {
  hello: { kind: 'http', request: { method: 'GET', path: '/hello' }, expect: '{"message":"Hello World"}' },
  items: { kind: 'http', request: { method: 'GET', path: '/items/bar' }, expect: '{"name":"Bar","description":"The bartenders","price":62,"tax":20.2}' },
  'post-items': {
    kind: 'http',
    request: { method: 'POST', path: '/items', headers: { 'content-type': 'application/json' }, body: ITEM },
    expect: ITEM,
  },
  users: {
    kind: 'http',
    request: { method: 'GET', path: '/users/?q=abc&skip=5&limit=20', headers: { 'x-token': 'secret' } },
    expect: '{"q":"abc","skip":5,"limit":20}',
  },
  'ws-echo': { kind: 'ws' },
  sse: { kind: 'sse' },
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startServer(name, port = PORT) {
  const script = SERVERS[name];
  if (!fs.existsSync(script)) throw new Error(`${name}: ${script} is missing (run \`npm run build -w bench\` first)`);
  const cmd = HAS_TASKSET ? ['taskset', ['-c', '0', process.execPath, script]] : [process.execPath, [script]];
  const child = spawn(cmd[0], cmd[1], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PORT: String(port), NODE_ENV: 'production' } });
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} during start-up`);
    try {
      await fetch(`${baseOf(port)}/hello`);
      return child;
    } catch {
      if (Date.now() - started > 15000) throw new Error(`${name} did not answer within 15 s`);
      await sleep(50);
    }
  }
}

async function stopServer(child) {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** Peak resident set size of a process, from the kernel's high-water mark. */
function peakRssMiB(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function checkAnswer(name, scenario, base = BASE) {
  const { method, path: p, headers, body } = scenario.request;
  const res = await fetch(base + p, { method, headers, body });
  const text = await res.text();
  if (res.status !== 200 || JSON.stringify(JSON.parse(text)) !== JSON.stringify(JSON.parse(scenario.expect))) {
    throw new Error(`${name} answered ${res.status} ${text} for ${method} ${p}; expected 200 ${scenario.expect}`);
  }
}

/** The `q` quantile (0-1) of `xs`, nearest rank; NaN when empty. */
function quantile(xs, q) {
  if (xs.length === 0) return NaN;
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/**
 * One autocannon run. The p99 is computed here from every 2xx response's own time (autocannon's
 * `response` event, microsecond resolution): autocannon's summary histogram keeps whole
 * milliseconds, too coarse for p99s of a few ms, where 4.9 and 4.0 ms both read as 4.
 */
async function runHttp(scenario, duration, base = BASE, connections = CONNECTIONS) {
  const { method, path: p, headers, body } = scenario.request;
  const times = [];
  const result = await new Promise((resolve, reject) => {
    const instance = autocannon({ url: base + p, method, headers, body, connections, duration }, (error, res) => (error ? reject(error) : resolve(res)));
    instance.on('response', (_client, statusCode, _bytes, ms) => {
      if (statusCode >= 200 && statusCode < 300) times.push(ms);
    });
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  return { rps: result.requests.average, p99: quantile(times, 0.99), errors: bad };
}

/** WebSocket echo: CONNECTIONS clients each ping-pong one message at a time. */
async function runWs(duration) {
  let count = 0;
  let errors = 0;
  const sockets = await Promise.all(
    Array.from({ length: CONNECTIONS }, () => new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${PORT}/ws`);
      ws.on('open', () => resolve(ws));
      ws.on('error', reject);
    })),
  );
  let running = true;
  for (const ws of sockets) {
    ws.on('message', (data) => {
      if (String(data) === 'Echo: ping') count++;
      else errors++;
      if (running) ws.send('ping');
    });
    ws.send('ping');
  }
  await sleep(duration * 1000);
  running = false;
  const total = count;
  for (const ws of sockets) ws.terminate();
  return { rps: total / duration, p99: NaN, errors };
}

/** Server-Sent Events: CONNECTIONS/5 clients read 1000-event streams back to back; counts events/s. */
async function runSse(duration) {
  const deadline = Date.now() + duration * 1000;
  let events = 0;
  let errors = 0;
  const client = async () => {
    while (Date.now() < deadline) {
      const res = await fetch(`${BASE}/sse?n=1000`);
      if (res.status !== 200) { errors++; await res.arrayBuffer(); continue; }
      let tail = '';
      for await (const chunk of res.body) {
        const text = tail + Buffer.from(chunk).toString('latin1');
        for (let i = text.indexOf('data:'); i !== -1; i = text.indexOf('data:', i + 5)) events++;
        tail = text.slice(-4);
      }
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: Math.max(1, CONNECTIONS / 5) }, client));
  return { rps: events / ((Date.now() - started) / 1000), p99: NaN, errors };
}

async function measure(name, scenarioName) {
  const scenario = SCENARIOS[scenarioName];
  const child = await startServer(name);
  try {
    if (scenario.kind === 'http') {
      await checkAnswer(name, scenario);
      await runHttp(scenario, 2); // warm-up: let the JIT settle
      const result = await runHttp(scenario, DURATION);
      return { ...result, rss: peakRssMiB(child.pid) };
    }
    const run = scenario.kind === 'ws' ? runWs : runSse;
    await run(1);
    return { ...(await run(DURATION)), rss: peakRssMiB(child.pid) };
  } finally {
    await stopServer(child);
  }
}

/** Clock ticks per second, the unit of /proc's CPU times. */
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** CPU time (user + system) a process has used so far, in seconds (Linux /proc; NaN elsewhere). */
function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the third (state) on
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/**
 * Paired rounds: fastapi-ts and `peer` served at once from the same core, each loaded with half the
 * connections. Every round starts both servers afresh (a process's JIT can settle on faster or slower
 * code for its whole life) and swaps their ports every other round. Returns, per round, fastapi-ts's
 * throughput over the peer's, and the peer's CPU time per request over fastapi-ts's.
 */
async function measurePaired(peer, scenarioName) {
  const scenario = SCENARIOS[scenarioName];
  const ratios = [];
  const costRatios = [];
  const p99s = [];
  for (let round = 0; round < PAIRED_ROUNDS; round++) {
    const ports = round % 2 ? [PORT + 1, PORT] : [PORT, PORT + 1];
    const children = [];
    try {
      children.push(await startServer('fastapi-ts', ports[0]));
      children.push(await startServer(peer, ports[1]));
      await checkAnswer('fastapi-ts', scenario, baseOf(ports[0]));
      await checkAnswer(peer, scenario, baseOf(ports[1]));
      const both = (duration) => Promise.all(ports.map((port) => runHttp(scenario, duration, baseOf(port), PAIRED_CONNECTIONS)));
      await both(2); // warm-up
      const before = children.map((child) => cpuSeconds(child.pid));
      const [ours, theirs] = await both(DURATION);
      const [ourCpu, theirCpu] = children.map((child, i) => cpuSeconds(child.pid) - before[i]);
      if (ours.errors || theirs.errors) throw new Error(`paired ${scenarioName}: errors (fastapi-ts ${ours.errors}, ${peer} ${theirs.errors})`);
      ratios.push(ours.rps / theirs.rps);
      costRatios.push(theirCpu / theirs.rps / (ourCpu / ours.rps));
      p99s.push([ours.p99, theirs.p99]);
      console.log(`  ${scenarioName.padEnd(10)} paired with ${peer.padEnd(8)} round ${round + 1}: ` +
        `${ours.rps.toFixed(0)}/s against ${theirs.rps.toFixed(0)}/s = ${ratios[round].toFixed(2)}x; ` +
        `CPU per request ${(1e6 * ourCpu / (ours.rps * DURATION)).toFixed(1)} against ${(1e6 * theirCpu / (theirs.rps * DURATION)).toFixed(1)} µs = ${costRatios[round].toFixed(2)}x; ` +
        `p99 ${ours.p99.toFixed(2)} against ${theirs.p99.toFixed(2)} ms`);
    } finally {
      for (const child of children) await stopServer(child);
    }
  }
  return { ratios, costRatios, p99s };
}

const median = (xs) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const servers = args.servers.split(',');
  const scenarios = args.scenarios.split(',');
  for (const s of servers) if (!SERVERS[s]) throw new Error(`unknown server ${s}; known: ${Object.keys(SERVERS)}`);
  for (const s of scenarios) if (!SCENARIOS[s]) throw new Error(`unknown scenario ${s}; known: ${Object.keys(SCENARIOS)}`);

  console.log(`bench: ${servers.join(', ')}; ${DURATION}s x ${ROUNDS} rounds, ${CONNECTIONS} connections; ` +
    (HAS_TASKSET ? 'server on core 0, load on core 1' : 'no taskset: cores not pinned'));
  const results = {};
  for (const scenarioName of scenarios) {
    const samples = {};
    const participants = servers.filter((s) => !(SCENARIOS[scenarioName].kind === 'ws' && NO_WEBSOCKET.has(s)));
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order every round so drift (thermal, other load) spreads evenly.
      const order = round % 2 ? [...participants].reverse() : participants;
      for (const name of order) {
        const sample = await measure(name, scenarioName);
        (samples[name] ??= []).push(sample);
        console.log(`  ${scenarioName.padEnd(10)} ${name.padEnd(10)} round ${round + 1}: ${sample.rps.toFixed(0)}/s` +
          (Number.isNaN(sample.p99) ? '' : ` p99 ${sample.p99.toFixed(2)} ms`) + ` rss ${sample.rss.toFixed(1)} MiB` +
          (sample.errors ? ` ERRORS ${sample.errors}` : ''));
      }
    }
    const ours = samples['fastapi-ts'];
    results[scenarioName] = Object.fromEntries(Object.entries(samples).map(([name, xs]) => [name, {
      rps: median(xs.map((x) => x.rps)),
      p99: median(xs.map((x) => x.p99)),
      rss: Math.max(...xs.map((x) => x.rss)),
      errors: xs.reduce((n, x) => n + x.errors, 0),
      // fastapi-ts over this server in each round: the two were measured next to each other, so
      // drift of the machine between rounds cancels out of these ratios.
      roundRatios: ours && name !== 'fastapi-ts' ? xs.map((x, i) => ours[i].rps / x.rps) : undefined,
    }]));
    if (SCENARIOS[scenarioName].kind === 'http' && ours && PAIRED_ROUNDS > 0) {
      for (const peer of participants) {
        if (peer === 'fastapi-ts') continue;
        const { ratios, costRatios, p99s } = await measurePaired(peer, scenarioName);
        Object.assign(results[scenarioName][peer], { pairedRatios: ratios, pairedCostRatios: costRatios, pairedP99s: p99s });
      }
    }
  }

  console.log('\nscenario    server      req/s (msg/s)   p99 ms   peak RSS MiB   fastapi-ts ratio   (rounds: median, range)');
  for (const [scenarioName, byServer] of Object.entries(results)) {
    const ours = byServer['fastapi-ts'];
    for (const [name, r] of Object.entries(byServer)) {
      const ratio = ours && name !== 'fastapi-ts' ? `${(ours.rps / r.rps).toFixed(2)}x` : '';
      const rounds = r.roundRatios
        ? `   (${median(r.roundRatios).toFixed(2)}x, ${Math.min(...r.roundRatios).toFixed(2)}-${Math.max(...r.roundRatios).toFixed(2)})`
        : '';
      console.log(`${scenarioName.padEnd(11)} ${name.padEnd(11)} ${r.rps.toFixed(0).padStart(13)} ` +
        `${(Number.isNaN(r.p99) ? '-' : r.p99.toFixed(2)).padStart(8)} ${r.rss.toFixed(1).padStart(14)}   ${ratio.padEnd(16)}${rounds}` +
        (r.errors ? `   errors: ${r.errors}` : ''));
    }
  }
  if (PAIRED_ROUNDS > 0) {
    console.log(`\npaired (fastapi-ts and the peer on core 0 at once, ${PAIRED_CONNECTIONS} connections each, fresh processes every round): ` +
      'fastapi-ts throughput ratio and CPU-per-request ratio (the peer\'s cost over ours), median (range); ' +
      'median p99 of fastapi-ts and of the peer');
    const span = (xs) => `${median(xs).toFixed(2)}x (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;
    for (const [scenarioName, byServer] of Object.entries(results)) {
      for (const [name, r] of Object.entries(byServer)) {
        if (!r.pairedRatios) continue;
        const p99 = (i) => median(r.pairedP99s.map((pair) => pair[i])).toFixed(2);
        console.log(`${scenarioName.padEnd(11)} ${name.padEnd(11)} ${span(r.pairedRatios).padEnd(20)} ${span(r.pairedCostRatios).padEnd(20)} ` +
          `p99 ${p99(0)} against ${p99(1)} ms`);
      }
    }
  }

  const record = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: require('node:os').cpus()[0]?.model,
    method: { duration: DURATION, rounds: ROUNDS, pairedRounds: PAIRED_ROUNDS, connections: CONNECTIONS, pinned: HAS_TASKSET },
    results,
  };
  const resultsDir = path.join(__dirname, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, 'latest.json'), JSON.stringify(record, null, 2));
  fs.writeFileSync(path.join(__dirname, '..', 'docs', 'benchmarks.svg'), renderChart(record));
  console.log('\nwrote bench/results/latest.json and docs/benchmarks.svg');
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
