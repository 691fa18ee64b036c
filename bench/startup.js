#!/usr/bin/env node
// Start-up to first answer: spawns a compiled app and polls GET <path> until it
// answers, reporting the wall time and the CPU time the child spent meanwhile
// (utime + stime from /proc, which a loaded machine does not inflate much).
//
//   node bench/startup.js [--app apps/demo/dist/main.js] [--path /] [--runs 5]
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const { values: args } = parseArgs({
  options: {
    app: { type: 'string', default: path.join(__dirname, '..', 'apps', 'demo', 'dist', 'main.js') },
    path: { type: 'string', default: '/' },
    runs: { type: 'string', default: '5' },
    port: { type: 'string', default: '8767' },
  },
});

function cpuMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
}

async function once() {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [path.resolve(args.app)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PORT: args.port, NODE_ENV: 'production' },
  });
  try {
    for (;;) {
      let res;
      try {
        res = await fetch(`http://127.0.0.1:${args.port}${args.path}`);
        await res.arrayBuffer();
      } catch {
        if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode}`);
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      // A 404 would time the router, not the route: measure a path the app serves.
      if (!res.ok) throw new Error(`GET ${args.path} answered ${res.status}: choose a path the app serves (--path)`);
      return { wall: Number(process.hrtime.bigint() - started) / 1e6, cpu: cpuMs(child.pid) };
    }
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
}

(async () => {
  const xs = [];
  for (let i = 0; i < Number(args.runs); i++) xs.push(await once());
  const med = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
  console.log(`${args.app}: first answer after ${med(xs.map((x) => x.wall)).toFixed(0)} ms wall ` +
    `(median of ${xs.length}; runs ${xs.map((x) => x.wall.toFixed(0)).join(' ')}), ` +
    `${med(xs.map((x) => x.cpu))} ms CPU`);
})().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
