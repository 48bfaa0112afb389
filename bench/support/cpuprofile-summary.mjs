#!/usr/bin/env node
// `node bench/support/cpuprofile-summary.mjs <file.cpuprofile> [requests] [top]`: self and
// inclusive time of a V8 CPU profile (a benchmark's BENCH_PROF) by function and by file, without
// start-up (module loading) and idle time, in % of the busy time and, given the number of requests
// the process answered, in µs per request.
//
// The profile samples wall time: under load a syscall that wakes the load generator (the
// response's `writev`) also counts the time the process waited for a core. Compare the per-request
// figures with the CPU from /proc the benchmark prints before reading much into such frames.
import { readFileSync } from 'node:fs';

const [file, requestsArg = '0', topArg = '30'] = process.argv.slice(2);
if (!file) {
  console.error('usage: cpuprofile-summary.mjs <file.cpuprofile> [requests] [top]');
  process.exit(1);
}
const requests = Number(requestsArg);
const top = Number(topArg);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes)
  for (const child of node.children ?? []) parent.set(child, node.id);

/** Frames whose samples are not request work: start-up, idle, V8's own bookkeeping. */
const isExcluded = ({ callFrame: { functionName, url } }) =>
  ['(idle)', '(program)', 'Module._load'].includes(functionName) ||
  /main\/run_main_module|module_job|esm\/loader/.test(url);
const excluded = (id) => {
  for (let at = id; at !== undefined; at = parent.get(at))
    if (isExcluded(nodes.get(at))) return true;
  return false;
};

const self = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  if (!excluded(id)) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
}
const busy = [...self.values()].reduce((sum, t) => sum + t, 0);

const shortUrl = (url) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/.*\/node_modules\//, 'node_modules/')
    .replace(`${process.cwd()}/`, '');
const byFunction = ({ callFrame: f }) =>
  `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}`;
const byFile = ({ callFrame: f }) => shortUrl(f.url) || f.functionName;

function totals(keyOf) {
  const selfOf = new Map();
  const inclusiveOf = new Map();
  for (const [id, time] of self) {
    const key = keyOf(nodes.get(id));
    selfOf.set(key, (selfOf.get(key) ?? 0) + time);
    const seen = new Set(); // a recursive frame counts once per sample
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const frame = keyOf(nodes.get(at));
      if (seen.has(frame)) continue;
      seen.add(frame);
      inclusiveOf.set(frame, (inclusiveOf.get(frame) ?? 0) + time);
    }
  }
  return { selfOf, inclusiveOf };
}

const share = (time) =>
  `${((100 * time) / busy).toFixed(1).padStart(5)} %` +
  (requests ? `  ${(time / requests).toFixed(1).padStart(6)} µs/request` : '');
const print = (title, values) => {
  console.log(`\n${title}`);
  for (const [key, time] of [...values].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${share(time)}  ${key}`);
  }
};

console.log(
  `busy ${(busy / 1e6).toFixed(2)} s` +
    (requests ? ` over ${requests} requests: ${(busy / requests).toFixed(1)} µs each` : ''),
);
for (const [name, keyOf] of [
  ['function', byFunction],
  ['file', byFile],
]) {
  const { selfOf, inclusiveOf } = totals(keyOf);
  print(`self time by ${name}`, selfOf);
  print(`inclusive time by ${name}`, inclusiveOf);
}
