#!/usr/bin/env node
/**
 * Runs before `tsc` (npm's prebuild): deletes compiled files in dist/ whose TypeScript source is
 * gone. tsc never removes outputs, and a stale one can shadow a new module: after sandbox/checks.ts
 * became sandbox/checks/index.ts, an old dist/sandbox/checks.js kept winning `require('./checks')`
 * and an updated checkout ran the old checks without a word.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');

function prune(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      prune(file);
      continue;
    }
    const compiled = /\.js(\.map)?$/.exec(entry.name);
    if (!compiled) continue;
    const source = path.join(root, path.relative(dist, file)).replace(/\.js(\.map)?$/, '.ts');
    if (!fs.existsSync(source)) fs.rmSync(file);
  }
}

if (fs.existsSync(dist)) prune(dist);
