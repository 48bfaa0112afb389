#!/usr/bin/env node
// `npm run bench [name…]`: runs every bench/*.bench.ts (or those whose name contains an argument)
// one after the other, so no two benchmarks share the two cores.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const filters = process.argv.slice(2);
const files = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((name) => f.includes(name)))
  .sort();
if (files.length === 0) {
  console.error(`No benchmark matches ${filters.join(', ')}`);
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const run = spawnSync(process.execPath, ['-r', '@swc-node/register', join('bench', file)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production', SWC_NODE_PROJECT: 'tsconfig.json' },
  });
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
