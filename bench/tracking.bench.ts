/**
 * `npm run bench -- tracking`: the sample receiver (Fastify, SQLite file, inline group commit), a
 * bare Fastify route, a bare Nest route (Fastify adapter, no guards or pipes: what Nest itself
 * costs) and the SQLite floor (support/sqlite-floor.ts: a bare Fastify route that commits one
 * row per pageview before its 202, on the loop and in a thread), each in its own process, loaded in the same run by wrk at 10 and at 50 connections with
 * varied, realistic pageview bodies (bench/support/wrk/pageview.lua). Prints req/s, p50 and p99 of
 * each and the ratios, each server's CPU and disk writes per request (from /proc), then counts the
 * stored pageviews: every 202 must
 * be in the table. When Redis answers (`BENCH_REDIS_URL`, else `TEST_REDIS_URL`, else
 * `redis://127.0.0.1:6379`), a second receiver with `RECEIVER_QUEUE=redis` and its workers off is
 * loaded in the same rounds: the HTTP side of the Redis queue (a 202 once Redis has the event),
 * compared with inline. Its events are counted in the stream, then removed. `BENCH_PROF` writes CPU
 * profiles to /tmp/prof (open them in Chrome DevTools or speedscope): `1` or `inline` of the inline
 * receiver (`inline.cpuprofile`), `redis` of the Redis-queue receiver (`redis-queue.cpuprofile`:
 * the HTTP side alone, no database write), `all` of both.
 */
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { spawn, ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  type ReceiverProcess,
  startReceiverProcess,
} from '../test/support/receiver-process.client';
import type { ServerTiming } from './support/server-timing.probe';
import { wrk, type WrkResult } from './support/wrk';

const CONNECTIONS = [10, 50];
const WARMUP_SECONDS = 2;
const ROUNDS = 3;
const ROUND_SECONDS = 3;
/** Goals of issue 10 for the inline queue on SQLite. */
const GOAL_RATIO = 0.5;
const GOAL_P99_MS = 20;

const PATH = '/api/track/pageview.php';
/** Node flags that make a receiver write its CPU profile, when `BENCH_PROF` names it. */
function profileFlags(receiver: 'inline' | 'redis-queue'): string[] {
  const wanted = process.env.BENCH_PROF;
  const selected =
    wanted === 'all' ||
    (receiver === 'inline' ? wanted === '1' || wanted === 'inline' : wanted === 'redis');
  return selected
    ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof', `--cpu-prof-name=${receiver}.cpuprofile`]
    : [];
}

const REDIS_URL =
  process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A Redis client once it answers, else undefined (the Redis rows are skipped). */
async function redisIfAvailable(): Promise<Redis | undefined> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch {
    redis.disconnect();
    return undefined;
  }
}

/** Preloads support/server-timing.probe.ts, which writes its figures to `timingFile`. */
const timingFlags = [
  '-r',
  '@swc-node/register',
  '-r',
  join(__dirname, 'support', 'server-timing.probe.ts'),
];

/**
 * Starts one of the reference servers (`bare-fastify`, `bare-nest`, `sqlite-floor`) with the
 * timing probe.
 */
function startBare(
  script: 'bare-fastify' | 'bare-nest' | 'sqlite-floor',
  timingFile: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [...timingFlags, join(__dirname, 'support', `${script}.ts`)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env, BENCH_TIMING_FILE: timingFile },
    },
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

/**
 * Asks a server's timing probe for what it measured since it was last asked (and to start over),
 * and waits for the answer: a line appended to its timing file.
 */
async function serverTiming(pid: number, file: string): Promise<ServerTiming | undefined> {
  const lines = () =>
    existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  const before = lines().length;
  process.kill(pid, 'SIGWINCH');
  for (let waited = 0; waited < 5_000; waited += 20) {
    const now = lines();
    if (now.length > before) return JSON.parse(now[now.length - 1]) as ServerTiming;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

/**
 * Bytes a process had written to storage (`write_bytes` of /proc): on SQLite, the WAL frames and
 * checkpoints of its commits, i.e. the pages each batch dirtied.
 */
function storageBytes(pid: number): number {
  return Number(/write_bytes: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
}

interface Totals {
  ok: number;
  seconds: number;
  cpu: number;
  written: number;
  p50: number[];
  p99: number[];
  /** The same request's p99 inside the server, and the event loop's delay p99 (the probe). */
  serverP99: number[];
  loopDelayP99: number[];
  non2xx: number;
  errors: number;
}

const totals = (): Totals => ({
  ok: 0,
  seconds: 0,
  cpu: 0,
  written: 0,
  p50: [],
  p99: [],
  serverP99: [],
  loopDelayP99: [],
  non2xx: 0,
  errors: 0,
});
const add = (
  t: Totals,
  {
    result: r,
    cpu,
    written,
    timing,
  }: { result: WrkResult; cpu: number; written: number; timing?: ServerTiming },
): void => {
  if (timing) {
    t.serverP99.push(timing.serverP99);
    t.loopDelayP99.push(timing.loopDelayP99);
  }
  t.ok += r.ok;
  t.cpu += cpu;
  t.written += written;
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
  (t.serverP99.length
    ? `in server p99 ${ms(median(t.serverP99))}, loop delay p99 ${ms(median(t.loopDelayP99))}   `
    : '') +
  `CPU ${Math.round((t.cpu * 1e6) / Math.max(t.ok, 1))} µs/request   ` +
  `disk ${(t.written / 1024 / Math.max(t.ok, 1)).toFixed(1)} KiB/request   ` +
  `non-2xx ${t.non2xx}   socket errors ${t.errors}`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tracking-bench-'));
  const file = join(dir, 'receiver.sqlite');
  const timingFile = (name: string) => join(dir, `${name}.timing`);
  // A server that fails to start must not leave the others running.
  const started: ChildProcess[] = [];
  const keep = <T extends { child: ChildProcess }>(server: Promise<T>): Promise<T> =>
    server.then(
      (running) => (started.push(running.child), running),
      (error: unknown) => {
        for (const child of started) child.kill('SIGTERM');
        throw error;
      },
    );
  const bare = await keep(startBare('bare-fastify', timingFile('bare')));
  const bareNest = await keep(startBare('bare-nest', timingFile('bare-nest')));
  const floors = {
    loop: await keep(
      startBare('sqlite-floor', timingFile('floor-loop'), {
        FLOOR_WRITER: 'loop',
        FLOOR_FILE: join(dir, 'floor-loop.sqlite'),
      }),
    ),
    thread: await keep(
      startBare('sqlite-floor', timingFile('floor-thread'), {
        FLOOR_WRITER: 'thread',
        FLOOR_FILE: join(dir, 'floor-thread.sqlite'),
      }),
    ),
  };
  const receiver = await keep(
    startReceiverProcess(file, { BENCH_TIMING_FILE: timingFile('inline') }, [
      ...profileFlags('inline'),
      ...timingFlags,
    ]),
  );
  // The same receiver with its SQLite writes on the event loop (`sqliteWriter: 'event-loop'`),
  // to compare with the writer thread in the same rounds.
  const onLoop = await keep(
    startReceiverProcess(
      join(dir, 'on-loop.sqlite'),
      { RECEIVER_SQLITE_WRITER: 'event-loop', BENCH_TIMING_FILE: timingFile('on-loop') },
      timingFlags,
    ),
  );
  const redis = await redisIfAvailable();
  const prefix = `bench-tracking-${process.pid}-${randomUUID().slice(0, 8)}:`;
  const queued: ReceiverProcess | undefined = redis
    ? await startReceiverProcess(
        join(dir, 'queued.sqlite'),
        {
          RECEIVER_REDIS_URL: REDIS_URL,
          RECEIVER_REDIS_PREFIX: prefix,
          RECEIVER_QUEUE: 'redis',
          RECEIVER_QUEUE_WORKERS: 'false',
          BENCH_TIMING_FILE: timingFile('queued'),
        },
        [...profileFlags('redis-queue'), ...timingFlags],
      )
    : undefined;
  let acknowledged = 0;
  let acknowledgedQueued = 0;
  try {
    const headersOf = (publicKey: string) => ({
      'X-API-Key': publicKey,
      Accept: '*/*',
      'Accept-Language': 'en-GB',
      // Lets one load generator exceed the 60/min per-IP rate limit (non-production only).
      'X-Test-Mode': 'phpunit',
    });
    const load = async (
      target: { pid: number; url: string; publicKey?: string; timing: string },
      connections: number,
      seconds: number,
    ) => {
      await serverTiming(target.pid, target.timing); // starts the server's window
      const cpuBefore = cpuSeconds(target.pid);
      const writtenBefore = storageBytes(target.pid);
      const result = await wrk({
        url: `${target.url}${PATH}`,
        connections,
        seconds,
        script: 'pageview',
        headers: target.publicKey ? headersOf(target.publicKey) : {},
      });
      const cpu = cpuSeconds(target.pid) - cpuBefore;
      const written = storageBytes(target.pid) - writtenBefore;
      return { result, cpu, written, timing: await serverTiming(target.pid, target.timing) };
    };
    const bareTarget = { pid: bare.child.pid as number, url: bare.url, timing: timingFile('bare') };
    const bareNestTarget = {
      pid: bareNest.child.pid as number,
      url: bareNest.url,
      timing: timingFile('bare-nest'),
    };
    const floorTargets = {
      loop: {
        pid: floors.loop.child.pid as number,
        url: floors.loop.url,
        timing: timingFile('floor-loop'),
      },
      thread: {
        pid: floors.thread.child.pid as number,
        url: floors.thread.url,
        timing: timingFile('floor-thread'),
      },
    };
    const inline = {
      pid: receiver.child.pid as number,
      ...receiver.info,
      timing: timingFile('inline'),
    };
    const loopTarget = {
      pid: onLoop.child.pid as number,
      ...onLoop.info,
      timing: timingFile('on-loop'),
    };
    const viaRedis = queued && {
      pid: queued.child.pid as number,
      ...queued.info,
      timing: timingFile('queued'),
    };
    await load(bareTarget, 50, WARMUP_SECONDS);
    await load(bareNestTarget, 50, WARMUP_SECONDS);
    await load(floorTargets.loop, 50, WARMUP_SECONDS);
    await load(floorTargets.thread, 50, WARMUP_SECONDS);
    acknowledged += (await load(inline, 50, WARMUP_SECONDS)).result.ok;
    await load(loopTarget, 50, WARMUP_SECONDS);
    if (viaRedis) acknowledgedQueued += (await load(viaRedis, 50, WARMUP_SECONDS)).result.ok;
    console.log(
      `wrk, ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s per connection count, varied pageview bodies; ` +
        `load average ${loadavg()
          .map((n) => n.toFixed(1))
          .join(' ')}`,
    );
    let met = true;
    for (const connections of CONNECTIONS) {
      // The machine is shared: alternate short rounds so every server sees the same conditions.
      const bareTotals = totals();
      const bareNestTotals = totals();
      const receiverTotals = totals();
      const queuedTotals = totals();
      const loopTotals = totals();
      const floorTotals = { loop: totals(), thread: totals() };
      for (let round = 0; round < ROUNDS; round++) {
        add(bareTotals, await load(bareTarget, connections, ROUND_SECONDS));
        add(bareNestTotals, await load(bareNestTarget, connections, ROUND_SECONDS));
        add(floorTotals.loop, await load(floorTargets.loop, connections, ROUND_SECONDS));
        add(floorTotals.thread, await load(floorTargets.thread, connections, ROUND_SECONDS));
        const measured = await load(inline, connections, ROUND_SECONDS);
        acknowledged += measured.result.ok;
        add(receiverTotals, measured);
        add(loopTotals, await load(loopTarget, connections, ROUND_SECONDS));
        if (viaRedis) {
          const viaQueue = await load(viaRedis, connections, ROUND_SECONDS);
          acknowledgedQueued += viaQueue.result.ok;
          add(queuedTotals, viaQueue);
        }
      }
      const ratio = rate(receiverTotals) / rate(bareTotals);
      const p99 = median(receiverTotals.p99);
      console.log(`\n${connections} connections`);
      console.log(row('bare Fastify route', bareTotals));
      console.log(row('bare Nest route', bareNestTotals));
      console.log(row('SQLite floor (loop)', floorTotals.loop));
      console.log(row('  (writer thread)', floorTotals.thread));
      console.log(row('receiver (SQLite)', receiverTotals));
      console.log(row('  writes on the loop', loopTotals));
      if (viaRedis) console.log(row('receiver (Redis q.)', queuedTotals));
      console.log(
        `» tracking, ${connections} connections: ratio receiver / bare ${ratio.toFixed(2)} ` +
          `(goal ≥ ${GOAL_RATIO}); receiver p99 ${ms(p99)}` +
          (connections === 50 ? ` (goal ≤ ${GOAL_P99_MS} ms)` : ''),
      );
      met &&= ratio >= GOAL_RATIO && (connections !== 50 || p99 <= GOAL_P99_MS);
      console.log(
        `» tracking, ${connections} connections: writer thread / writes on the event loop ` +
          `${(rate(receiverTotals) / rate(loopTotals)).toFixed(2)} req/s; p99 ${ms(p99)} vs ` +
          `${ms(median(loopTotals.p99))}; loop delay p99 ${ms(median(receiverTotals.loopDelayP99))} vs ` +
          `${ms(median(loopTotals.loopDelayP99))}`,
      );
      const floor = Math.max(rate(floorTotals.loop), rate(floorTotals.thread));
      console.log(
        `» tracking, ${connections} connections: ratio SQLite floor / bare ${(floor / rate(bareTotals)).toFixed(2)} ` +
          `(the best of its two writers: what one INSERT + COMMIT per batch, without Nest or ` +
          `anything else, leaves of bare Fastify here); receiver / floor ${(rate(receiverTotals) / floor).toFixed(2)}`,
      );
      console.log(
        `» tracking, ${connections} connections: ratio bare Nest / bare Fastify ` +
          `${(rate(bareNestTotals) / rate(bareTotals)).toFixed(2)} (what Nest itself costs)`,
      );
      if (viaRedis) {
        const redisRatio = rate(queuedTotals) / rate(receiverTotals);
        console.log(
          `» tracking, ${connections} connections: ratio Redis queue (HTTP side) / inline ` +
            `${redisRatio.toFixed(2)} (goal ≥ 1); Redis queue / bare ` +
            `${(rate(queuedTotals) / rate(bareTotals)).toFixed(2)}; p99 ${ms(median(queuedTotals.p99))}`,
        );
        met &&= redisRatio >= 1;
      }
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
    if (redis) {
      const inRedis = await redis.xlen(`${prefix}ingest:pageview`);
      console.log(
        `acknowledged by the Redis queue: ${acknowledgedQueued}; in its stream: ${inRedis}`,
      );
      if (inRedis < acknowledgedQueued) process.exitCode = 1;
    }
  } finally {
    for (const child of [...started, queued?.child]) child?.kill('SIGTERM');
    await receiver.exited;
    await onLoop.exited;
    await queued?.exited;
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
