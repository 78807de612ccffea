#!/usr/bin/env node
// `npm run demo` step 1: build unless dist/ is newer than every source file (plain JS: runs before any build).
'use strict';
const { spawnSync } = require('child_process');
const { existsSync, readdirSync, statSync } = require('fs');
const { join } = require('path');

const root = join(__dirname, '..');
const outputs = ['dist/main.js', 'dist/demo/main.js', 'dist/simulator/main.js', 'dist/database/migrate.cli.js', 'dist/migrations'].map((p) => join(root, p));

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const sources = Math.max(
  newest(join(root, 'src')),
  newest(join(root, 'migrations')),
  ...['package.json', 'tsconfig.json'].map((f) => statSync(join(root, f)).mtimeMs),
);
const built = outputs.every(existsSync) ? Math.min(...outputs.map((p) => statSync(p).mtimeMs)) : 0;
if (built > sources) process.exit(0);
console.log(built === 0 ? '[demo] building (dist/ is missing)…' : '[demo] building (sources changed since the last build)…');
const res = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
process.exit(res.status ?? 1);
