/**
 * `npm run bench -- tracking`: the sample receiver (Fastify, SQLite file, inline group commit) and
 * a bare Fastify route, each in its own process, loaded in the same run by wrk at 10 and at 50
 * connections with varied, realistic pageview bodies (bench/support/wrk/pageview.lua). Prints
 * req/s, p50 and p99 of both and their ratio, then counts the stored pageviews: every 202 must
 * be in the table.
 */
import Database from 'better-sqlite3';
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startReceiverProcess } from '../test/support/receiver-process.client';
import { wrk, type WrkResult } from './support/wrk';

const CONNECTIONS = [10, 50];
const WARMUP_SECONDS = 2;
const ROUNDS = 3;
const ROUND_SECONDS = 3;
/** Goals of issue 10 for the inline queue on SQLite. */
const GOAL_RATIO = 0.5;
const GOAL_P99_MS = 20;

const PATH = '/api/track/pageview.php';

function startBare(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, 'support', 'bare-fastify.ts')],
    { stdio: ['ignore', 'pipe', 'inherit'], env: process.env },
  );
  return new Promise((resolve) => {
    createInterface({ input: child.stdout! }).once('line', (line) =>
      resolve({ child, url: (JSON.parse(line) as { url: string }).url }),
    );
  });
}

/**
 * CPU seconds a process has used (user + system, from /proc): unlike rates, barely moved by other
 * load on a shared machine.
 */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Totals {
  ok: number;
  seconds: number;
  cpu: number;
  p50: number[];
  p99: number[];
  non2xx: number;
  errors: number;
}

const totals = (): Totals => ({
  ok: 0,
  seconds: 0,
  cpu: 0,
  p50: [],
  p99: [],
  non2xx: 0,
  errors: 0,
});
const add = (t: Totals, { result: r, cpu }: { result: WrkResult; cpu: number }): void => {
  t.ok += r.ok;
  t.cpu += cpu;
  t.seconds += r.seconds;
  t.p50.push(r.p50Ms);
  t.p99.push(r.p99Ms);
  t.non2xx += r.non2xx;
  t.errors += r.socketErrors;
};
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1];
const rate = (t: Totals): number => t.ok / t.seconds;
const ms = (value: number): string => `${value.toFixed(1)} ms`;
const row = (name: string, t: Totals): string =>
  `${name.padEnd(20)} ${String(Math.round(rate(t))).padStart(7)} req/s   p50 ${ms(median(t.p50))}   ` +
  `p99 ${ms(median(t.p99))} (worst round ${ms(Math.max(...t.p99))})   ` +
  `CPU ${Math.round((t.cpu * 1e6) / Math.max(t.ok, 1))} µs/request   non-2xx ${t.non2xx}   socket errors ${t.errors}`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tracking-bench-'));
  const file = join(dir, 'receiver.sqlite');
  const bare = await startBare();
  const receiver = await startReceiverProcess(file);
  let acknowledged = 0;
  try {
    const { url, publicKey } = receiver.info;
    const headers = {
      'X-API-Key': publicKey,
      Accept: '*/*',
      'Accept-Language': 'en-GB',
      // Lets one load generator exceed the 60/min per-IP rate limit (non-production only).
      'X-Test-Mode': 'phpunit',
    };
    const load = async (target: string, connections: number, seconds: number) => {
      const pid = (target === url ? receiver.child.pid : bare.child.pid) as number;
      const cpuBefore = cpuSeconds(pid);
      const result = await wrk({
        url: `${target}${PATH}`,
        connections,
        seconds,
        script: 'pageview',
        headers,
      });
      return { result, cpu: cpuSeconds(pid) - cpuBefore };
    };
    await load(bare.url, 50, WARMUP_SECONDS);
    acknowledged += (await load(url, 50, WARMUP_SECONDS)).result.ok;
    console.log(
      `wrk, ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s per connection count, varied pageview bodies`,
    );
    let met = true;
    for (const connections of CONNECTIONS) {
      // The machine is shared: alternate short rounds so both servers see the same conditions.
      const bareTotals = totals();
      const receiverTotals = totals();
      for (let round = 0; round < ROUNDS; round++) {
        add(bareTotals, await load(bare.url, connections, ROUND_SECONDS));
        const measured = await load(url, connections, ROUND_SECONDS);
        acknowledged += measured.result.ok;
        add(receiverTotals, measured);
      }
      const ratio = rate(receiverTotals) / rate(bareTotals);
      const p99 = median(receiverTotals.p99);
      console.log(`\n${connections} connections`);
      console.log(row('bare Fastify route', bareTotals));
      console.log(row('receiver (SQLite)', receiverTotals));
      console.log(
        `ratio receiver / bare: ${ratio.toFixed(2)} (goal ≥ ${GOAL_RATIO}); receiver p99 ${ms(p99)}` +
          (connections === 50 ? ` (goal ≤ ${GOAL_P99_MS} ms)` : ''),
      );
      met &&= ratio >= GOAL_RATIO && (connections !== 50 || p99 <= GOAL_P99_MS);
    }
    console.log(`\ngoals ${met ? 'met' : 'NOT met'} in this run`);

    // Every 202 must be in the table. wrk counts responses, not URLs: the table may hold more
    // (requests in flight when a round ended were stored but never counted), never fewer.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const db = new Database(file, { readonly: true });
    const { n } = db.prepare('SELECT COUNT(*) AS n FROM pageviews').get() as { n: number };
    db.close();
    console.log(`acknowledged (202) pageviews: ${acknowledged}; stored: ${n}`);
    if (n < acknowledged) process.exitCode = 1;
  } finally {
    receiver.child.kill('SIGTERM');
    bare.child.kill('SIGTERM');
    await receiver.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
