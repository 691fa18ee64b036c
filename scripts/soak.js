#!/usr/bin/env node
// Soak test (not part of `npm test`): mixed traffic against the demo for N minutes, then a report of
// RSS growth, errors and p99 latency drift. Loopback only, bounded concurrency.
//
//   node scripts/soak.js [--minutes 10] [--concurrency 16] [--url http://127.0.0.1:8000] [--json]
//
// Without --url it starts apps/demo/dist/main.js itself (build it first: `npm run build`, as
// `DEMO_SKIP_BUILD=1 npm run demo` expects) on a free loopback port and samples the server's RSS
// from /proc. With --url it drives that server (must be loopback) and reports RSS only when
// --pid is given. The exit code is 0 when the run held: no errors, RSS growth under 5 %.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { Agent, request } = require('undici');

const root = path.join(__dirname, '..');

function parseArgs(argv) {
  const options = { minutes: 10, concurrency: 16, url: null, pid: null, json: false, warmupSeconds: 15 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--minutes') options.minutes = Number(value());
    else if (arg === '--concurrency') options.concurrency = Number(value());
    else if (arg === '--url') options.url = value();
    else if (arg === '--pid') options.pid = Number(value());
    else if (arg === '--warmup') options.warmupSeconds = Number(value());
    else if (arg === '--json') options.json = true;
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: node scripts/soak.js [--minutes N] [--concurrency N] [--url URL [--pid PID]] [--warmup S] [--json]');
      process.exit(0);
    } else throw new Error(`Unknown argument ${arg}`);
  }
  if (!(options.minutes > 0)) throw new Error('--minutes must be a positive number');
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1 || options.concurrency > 256) throw new Error('--concurrency must be 1..256');
  if (options.url !== null) {
    const host = new URL(options.url).hostname;
    if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) throw new Error(`--url must be a loopback address, got ${host}`);
  }
  return options;
}

/** The mix: each entry is [weight, method, path, body?, contentType?, expected status]. */
const MIX = [
  [20, 'GET', '/hello-world', null, null, 200],
  [10, 'GET', '/items/', null, null, 200],
  [10, 'GET', '/catalog/foo', null, null, 200],
  [5, 'GET', '/catalog/nope', null, null, 404],
  [10, 'GET', '/predict?x=1.5', null, null, 200],
  [5, 'GET', '/predict?x=abc', null, null, 422],
  [10, 'GET', '/deps/items/?q=soak&skip=1&limit=5', null, null, 200],
  [5, 'GET', '/deps/query-checker/?q=x', null, null, 200],
  [5, 'GET', '/openapi.json', null, null, 200],
  [3, 'GET', '/docs', null, null, 200],
  [5, 'GET', '/stream', null, null, 200],
  [5, 'GET', '/nope', null, null, 404],
  [4, 'POST', '/users/', '{"email": 12}', 'application/json', 422],
  [3, 'POST', '/users/', '{"email": "x@example.com"', 'application/json', 422],
];
const TOTAL_WEIGHT = MIX.reduce((sum, [weight]) => sum + weight, 0);

function pickRoute(random) {
  let r = random() * TOTAL_WEIGHT;
  for (const entry of MIX) if ((r -= entry[0]) < 0) return entry;
  return MIX[0];
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function rssOf(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitReady(url, child, ms = 20000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`the demo exited early with code ${child.exitCode}`);
    try {
      const res = await request(`${url}/hello-world`);
      await res.body.dump();
      if (res.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
}

async function startDemo() {
  const entry = path.join(root, 'apps', 'demo', 'dist', 'main.js');
  if (!fs.existsSync(entry)) throw new Error(`${path.relative(root, entry)} is missing: run \`npm run build\` first.`);
  const port = await freePort();
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-20000)));
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child);
  return { url, child, stderr: () => stderr };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const demo = options.url === null ? await startDemo() : null;
  const url = options.url ?? demo.url;
  const pid = demo ? demo.child.pid : options.pid;
  const agent = new Agent({ connections: options.concurrency, pipelining: 1, keepAliveTimeout: 4000 });
  const random = mulberry32(0x50a4);
  const durationMs = options.minutes * 60_000;
  const windowMs = Math.max(5_000, Math.min(60_000, durationMs / 10));
  const windows = []; // { latencies: number[], requests, errors }
  const errors = new Map();
  let total = 0;
  let errorCount = 0;
  const started = Date.now();
  const warmupEnd = started + Math.min(options.warmupSeconds * 1000, durationMs / 4);
  let rssStart = null;
  const rssSamples = [];

  const sampler = setInterval(() => {
    const rss = pid ? rssOf(pid) : null;
    if (rss !== null) rssSamples.push({ t: Date.now() - started, rss });
  }, 1000);

  const worker = async () => {
    while (Date.now() - started < durationMs) {
      const [, method, pathAndQuery, body, contentType, expected] = pickRoute(random);
      const index = Math.floor((Date.now() - started) / windowMs);
      const window = (windows[index] ??= { latencies: [], requests: 0, errors: 0 });
      const t0 = performance.now();
      let failure = null;
      try {
        const res = await request(url + pathAndQuery, {
          method,
          dispatcher: agent,
          body: body ?? undefined,
          headers: contentType ? { 'content-type': contentType } : undefined,
        });
        await res.body.dump({ limit: 1 << 20 });
        if (res.statusCode !== expected) failure = `${method} ${pathAndQuery}: ${res.statusCode}, expected ${expected}`;
      } catch (error) {
        failure = `${method} ${pathAndQuery}: ${error.code ?? error.message}`;
      }
      window.latencies.push(performance.now() - t0);
      window.requests++;
      total++;
      if (failure !== null) {
        errorCount++;
        window.errors++;
        errors.set(failure, (errors.get(failure) ?? 0) + 1);
      }
    }
  };

  const progress = setInterval(() => {
    const elapsed = ((Date.now() - started) / 1000).toFixed(0);
    const rss = pid ? rssOf(pid) : null;
    process.stderr.write(`[soak] ${elapsed}s requests=${total} errors=${errorCount}${rss ? ` rss=${(rss / 2 ** 20).toFixed(1)}MiB` : ''}\n`);
  }, 30_000);

  await Promise.all(Array.from({ length: options.concurrency }, worker));
  clearInterval(progress);
  clearInterval(sampler);
  await agent.close();
  // One RSS reading is noisy (GC timing): compare the medians of the first and last 10 % of post-warm-up samples.
  const settled = rssSamples.filter((sample) => sample.t >= warmupEnd - started).map((sample) => sample.rss);
  const span = Math.max(1, Math.floor(settled.length / 10));
  const median = (values) => (values.length ? [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] : null);
  rssStart = settled.length ? median(settled.slice(0, span)) : null;
  const rssEnd = settled.length ? median(settled.slice(-span)) : null;

  let demoExit = null;
  if (demo) {
    demoExit = await new Promise((resolve) => {
      demo.child.once('exit', (code, signal) => resolve({ code, signal }));
      demo.child.kill('SIGTERM');
    });
  }

  const summarize = (window) => {
    const sorted = [...window.latencies].sort((a, b) => a - b);
    return { requests: window.requests, errors: window.errors, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  };
  const perWindow = windows.filter(Boolean).map(summarize);
  // The first window includes warm-up (JIT, lazy compilation): drift is measured from the second one to the
  // last full one (a window that starts before the end but would end after it is partial).
  const fullWindows = perWindow.slice(0, Math.max(1, Math.floor(durationMs / windowMs)));
  const baseline = fullWindows.length > 2 ? fullWindows[1] : fullWindows[0];
  const last = fullWindows[fullWindows.length - 1];
  const elapsedS = (Date.now() - started) / 1000;
  const report = {
    url,
    minutes: options.minutes,
    concurrency: options.concurrency,
    requests: total,
    throughputPerSecond: Math.round(total / elapsedS),
    errors: errorCount,
    errorKinds: Object.fromEntries(errors),
    rssStartMiB: rssStart !== null ? +(rssStart / 2 ** 20).toFixed(1) : null,
    rssEndMiB: rssEnd !== null ? +(rssEnd / 2 ** 20).toFixed(1) : null,
    rssMaxMiB: rssSamples.length ? +(Math.max(...rssSamples.map((s) => s.rss)) / 2 ** 20).toFixed(1) : null,
    rssGrowthPercent: rssStart && rssEnd ? +(((rssEnd - rssStart) / rssStart) * 100).toFixed(1) : null,
    p99BaselineMs: +baseline.p99.toFixed(2),
    p99FinalMs: +last.p99.toFixed(2),
    p99DriftPercent: +(((last.p99 - baseline.p99) / baseline.p99) * 100).toFixed(1),
    windows: perWindow.map((w) => ({ requests: w.requests, errors: w.errors, p50Ms: +w.p50.toFixed(2), p99Ms: +w.p99.toFixed(2) })),
    demoExit,
  };
  if (options.json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(`soak: ${report.requests} requests in ${elapsedS.toFixed(0)} s (${report.throughputPerSecond}/s, concurrency ${options.concurrency}) against ${url}`);
    console.log(`errors: ${report.errors}${report.errors ? ` ${JSON.stringify(report.errorKinds)}` : ''}`);
    if (report.rssStartMiB !== null) {
      console.log(`RSS (median of first/last 10 % after warm-up): ${report.rssStartMiB} MiB -> ${report.rssEndMiB} MiB (${report.rssGrowthPercent} %, max ${report.rssMaxMiB} MiB)`);
    } else console.log('RSS: not measured (pass --pid with --url)');
    console.log(`p99: ${report.p99BaselineMs} ms (first full window) -> ${report.p99FinalMs} ms (last full window), drift ${report.p99DriftPercent} %`);
    for (const [i, w] of report.windows.entries()) console.log(`  window ${i + 1}: ${w.requests} req, ${w.errors} err, p50 ${w.p50Ms} ms, p99 ${w.p99Ms} ms`);
    if (demoExit) console.log(`demo shut down: code ${demoExit.code}${demoExit.signal ? ` signal ${demoExit.signal}` : ''}`);
  }
  if (demo && demoExit && demoExit.code !== 0) process.stderr.write(demo.stderr());
  const held = report.errors === 0 && (report.rssGrowthPercent === null || report.rssGrowthPercent < 5) && (!demoExit || demoExit.code === 0);
  process.exitCode = held ? 0 : 1;
}

main().catch((error) => {
  console.error(`soak: ${error.message}`);
  process.exit(2);
});
