#!/usr/bin/env node
// `npm run demo`: serves apps/demo once it exists.
const fs = require('node:fs');
const path = require('node:path');

const demo = path.join(__dirname, '..', 'apps', 'demo', 'package.json');
if (!fs.existsSync(demo)) {
  console.log('The demo app (apps/demo) does not exist yet: nothing to serve. See README.md for the status.');
  process.exit(0);
}
require('node:child_process')
  .spawn('npm', ['run', 'start', '--workspace', 'apps/demo'], { stdio: 'inherit' })
  .on('exit', (code) => process.exit(code ?? 0));
