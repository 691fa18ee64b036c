#!/usr/bin/env node
// `npm run demo`: builds the demo and the packages it depends on (turbo, cached),
// then serves apps/demo on HOST (default 127.0.0.1) and PORT (default 8000).
// Ctrl-C (SIGINT) or SIGTERM shuts the server down gracefully; the exit code is the server's.
// DEMO_SKIP_BUILD=1 serves what is already built.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const demo = path.join(root, 'apps', 'demo');
const entry = path.join(demo, 'dist', 'main.js');

if (process.env.DEMO_SKIP_BUILD !== '1') {
  console.log('Building the demo and its packages (turbo run build --filter=demo...)');
  const turbo = require.resolve('turbo/bin/turbo', { paths: [root] });
  const build = spawnSync(process.execPath, [turbo, 'run', 'build', '--filter=demo...', '--output-logs=errors-only'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1' },
  });
  if (build.status !== 0) {
    console.error(`The build failed (${build.error ? build.error.message : `exit code ${build.status}`}): not serving.`);
    process.exit(build.status || 1);
  }
}

if (!fs.existsSync(entry)) {
  console.error(`${path.relative(root, entry)} is missing: run without DEMO_SKIP_BUILD=1 to build it.`);
  process.exit(1);
}

const server = spawn(process.execPath, [entry], { cwd: root, stdio: 'inherit' });
// Ctrl-C reaches the server directly (the terminal signals the whole process group);
// forwarding SIGINT too would count as a second Ctrl-C, which forces the shutdown.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => server.kill('SIGTERM'));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
