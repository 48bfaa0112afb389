/**
 * `npm run bench -- queue`: how fast 2 worker processes (`nestjs-telemetry receiver worker`) drain
 * a backlog of 100,000 pageviews from the Redis queue into PostgreSQL. The backlog is made of one
 * real event — accepted over HTTP by a receiver with `RECEIVER_QUEUE=redis` and workers off, so it
 * has the exact shape the workers read — copied with fresh event ids, visitors, sessions and URLs.
 * Prints events/s from the first stored row to the last (worker boot excluded) and from the
 * workers' start; every queued event must be stored once.
 *
 * Needs PostgreSQL and Redis: `BENCH_POSTGRES_URL` (else `TEST_POSTGRES_URL`, else
 * `postgres://postgres@127.0.0.1:5432/postgres`) and `BENCH_REDIS_URL` (else `TEST_REDIS_URL`,
 * else `redis://127.0.0.1:6379`). A database and a key prefix of its own are created and removed.
 * `BENCH_PROF=1` writes CPU profiles of the workers to /tmp/prof.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { newEventId } from '../receiver/ingest/event-id';
import { entryFields } from '../receiver/ingest/redis/redis-queue.keys';
import type { IngestJob } from '../receiver/ingest/interfaces/ingest.interfaces';
import { startReceiverProcess } from '../test/support/receiver-process.client';

const EVENTS = Number(process.env.BENCH_QUEUE_EVENTS ?? 100_000);
const WORKERS = Number(process.env.BENCH_QUEUE_WORKERS ?? 2);
const VISITORS = 5_000;
/** Issue 10: 10× the original engine's ~650 events/s. */
const GOAL_EVENTS_PER_SECOND = 6_500;
const root = join(__dirname, '..');

const postgresBase =
  process.env.BENCH_POSTGRES_URL ??
  process.env.TEST_POSTGRES_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const redisAt =
  process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function startWorker(env: Record<string, string>): ChildProcess {
  return spawn(
    process.execPath,
    [
      '-r',
      '@swc-node/register',
      ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
      join(root, 'cli/main.ts'),
      'receiver',
      'worker',
    ],
    {
      cwd: root,
      env: { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.json'), ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `count` copies of `sample`, each a distinct event of a distinct page, visitor and session. */
function copies(sample: IngestJob, from: number, count: number): IngestJob[] {
  const payload = sample.payload as Record<string, unknown>;
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    const visitor = String(n % VISITORS).padStart(12, '0');
    return {
      id: newEventId(),
      kind: sample.kind,
      payload: {
        ...payload,
        url: `https://shop.example.com/products/${n % 50}?n=${n}`,
        visitorHash: `6f1c2a3b-4d5e-4f60-8a7b-${visitor}`,
        sessionToken: `0b1c2d3e-4f50-4617-8293-${visitor}`,
        receivedAt: Date.now(),
      },
    };
  });
}

async function main(): Promise<void> {
  const name = `bench_queue_${process.pid}`;
  const admin = new Client({ connectionString: postgresBase });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(postgresBase);
  url.pathname = `/${name}`;
  const database = url.toString();
  const prefix = `bench-queue-${process.pid}-${randomUUID().slice(0, 8)}:`;
  const redis = new Redis(redisAt);
  const env = {
    RECEIVER_REDIS_URL: redisAt,
    RECEIVER_REDIS_PREFIX: prefix,
    RECEIVER_QUEUE: 'redis',
    RECEIVER_QUEUE_WORKERS: 'false',
    RECEIVER_QUEUE_MAX_BACKLOG: String(EVENTS * 2),
    RECEIVER_ADMIN_KEY: 'bench-admin-key',
    RECEIVER_IP_HASH_SALT: 'bench-salt',
    RECEIVER_DATABASE_URL: database,
    RECEIVER_PRODUCTION: 'false',
    NODE_ENV: 'production',
  };
  const workers: ChildProcess[] = [];
  const db = new Client({ connectionString: database });
  try {
    // One real pageview through a receiver (migrates the database, creates the project).
    const receiver = await startReceiverProcess(database, env);
    const response = await fetch(`${receiver.info.url}/api/track/pageview.php`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-API-Key': receiver.info.publicKey,
        'X-Test-Mode': 'phpunit',
        'User-Agent':
          'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
        Accept: '*/*',
        'Accept-Language': 'en-GB',
      },
      body: JSON.stringify({
        url: 'https://shop.example.com/',
        page_title: 'Example shop - a realistic page title',
        referrer: 'https://www.google.com/',
        visitor_id: '6f1c2a3b-4d5e-4f60-8a7b-000000000000',
        session_token: '0b1c2d3e-4f50-4617-8293-000000000000',
        screen_resolution: '1920x1080',
        timezone: 'Europe/London',
      }),
    });
    if (response.status !== 202) throw new Error(`sample pageview answered ${response.status}`);
    receiver.child.kill('SIGTERM');
    await receiver.exited;
    const stream = `${prefix}ingest:pageview`;
    const [[, fields]] = (await redis.xrange(stream, '-', '+', 'COUNT', 1)) as [string, string[]][];
    const sample = JSON.parse(fields[fields.indexOf('job') + 1]) as IngestJob;
    await redis.del(stream);

    for (let from = 0; from < EVENTS; from += 1_000) {
      const pipeline = redis.pipeline();
      for (const job of copies(sample, from, Math.min(1_000, EVENTS - from))) {
        pipeline.xadd(stream, '*', ...entryFields(job));
      }
      await pipeline.exec();
    }
    const queued = await redis.xlen(stream);
    await db.connect();
    const stored = async () =>
      Number((await db.query('SELECT COUNT(*) AS n FROM pageviews')).rows[0].n as string);

    const started = Date.now();
    for (let i = 0; i < WORKERS; i++)
      workers.push(startWorker({ ...env, RECEIVER_QUEUE_WORKERS: 'true' }));
    let first = 0;
    let firstCount = 0;
    let count = 0;
    const deadline = started + 600_000;
    while (count < queued && Date.now() < deadline) {
      await sleep(100);
      count = await stored();
      if (!first && count > 0) {
        first = Date.now();
        firstCount = count;
      }
    }
    const done = Date.now();
    const rate = (count - firstCount) / ((done - first) / 1000);
    const overall = count / ((done - started) / 1000);
    console.log(
      `${queued} queued pageviews, ${WORKERS} worker processes (receiver worker), PostgreSQL + Redis Streams`,
    );
    console.log(
      `drained: ${count} stored in ${((done - first) / 1000).toFixed(1)} s after the first batch ` +
        `(${((done - started) / 1000).toFixed(1)} s with the workers' boot)`,
    );
    console.log(
      `» queue drain, ${WORKERS} workers, PostgreSQL: ${Math.round(rate)} events/s (goal ≥ ${GOAL_EVENTS_PER_SECOND}); ` +
        `${Math.round(overall)} events/s with boot`,
    );
    const duplicates = Number(
      (
        await db.query(
          'SELECT COUNT(*) - COUNT(DISTINCT event_id) AS n FROM pageviews WHERE event_id IS NOT NULL',
        )
      ).rows[0].n as string,
    );
    console.log(`queued: ${queued}; stored: ${count}; duplicates: ${duplicates}`);
    if (count !== queued || duplicates !== 0) process.exitCode = 1;
  } finally {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise((resolve) => {
            worker.once('exit', resolve);
            worker.kill('SIGTERM');
          }),
      ),
    );
    await db.end().catch(() => undefined);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
