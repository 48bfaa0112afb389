#!/usr/bin/env node
// `npm run bench [name…]`: runs every bench/*.bench.ts (or those whose name contains an argument)
// one after the other, so no two benchmarks share the two cores, then repeats the headline lines
// each printed (those starting with `»`: the ratios and rates the goals are about) in one summary.
import { spawn } from 'node:child_process';
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
/** Runs one benchmark, echoing its output; resolves with its exit code and headline lines. */
function run(file) {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join('bench', file)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production', SWC_NODE_PROJECT: 'tsconfig.json' },
  });
  const headlines = [];
  let partial = '';
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    const lines = (partial + String(chunk)).split('\n');
    partial = lines.pop();
    headlines.push(...lines.filter((line) => line.startsWith('»')));
  });
  return new Promise((resolve) =>
    child.once('close', (code) => {
      if (partial.startsWith('»')) headlines.push(partial);
      resolve({ code, headlines });
    }),
  );
}

let failed = 0;
const summary = [];
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const { code, headlines } = await run(file);
  if (code !== 0) failed++;
  summary.push(...headlines);
}
if (summary.length > 0) console.log(`\n=== summary (one run) ===\n${summary.join('\n')}`);
process.exit(failed ? 1 : 0);
