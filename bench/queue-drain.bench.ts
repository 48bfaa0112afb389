/**
 * `npm run bench -- queue`: how fast 2 worker processes (`nestjs-telemetry receiver worker`) drain
 * a backlog of 100,000 pageviews from the Redis queue into PostgreSQL. The backlog is made of one
 * real event — accepted over HTTP by a receiver with `RECEIVER_QUEUE=redis` and workers off, so it
 * has the exact shape the workers read — copied with fresh event ids, visitors, sessions and URLs.
 * Prints events/s from the first committed batch to the last (worker boot excluded) and from the
 * workers' start; every queued event must be stored once.
 *
 * Needs PostgreSQL and Redis: `BENCH_POSTGRES_URL` (else `TEST_POSTGRES_URL`, else
 * `postgres://postgres@127.0.0.1:5432/postgres`) and `BENCH_REDIS_URL` (else `TEST_REDIS_URL`,
 * else `redis://127.0.0.1:6379`). A database and a key prefix of its own are created and removed.
 * `BENCH_PROF=1` writes CPU profiles of the workers to /tmp/prof.
 *
 * Where the time goes: the CPU seconds the workers and the database's backends spent during the
 * drain (on 2 shared cores, which side is the bottleneck), and — when the server loads
 * `pg_stat_statements` (a private server started for measuring, say) — the statements that took
 * the most of the database's time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
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

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
function cpuSeconds(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The database's backends serving the bench database (the workers' connections). */
async function backendPids(db: Client, name: string): Promise<number[]> {
  const { rows } = await db.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [name],
  );
  return rows.map((row) => row.pid);
}

/** The statements that took most of the database's time, when `pg_stat_statements` is loaded. */
async function topStatements(db: Client, name: string): Promise<void> {
  const loaded = await db
    .query("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'")
    .then((result) => result.rowCount === 1)
    .catch(() => false);
  if (!loaded) return;
  const { rows } = await db.query<{
    query: string;
    calls: string;
    exec: number;
    plan: number;
    rows: string;
  }>(
    `SELECT query, calls, total_exec_time AS exec, total_plan_time AS plan, rows ` +
      `FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1 ` +
      `ORDER BY total_exec_time + total_plan_time DESC LIMIT 15`,
    [name],
  );
  console.log('database time per statement (pg_stat_statements): exec + plan ms, calls');
  for (const row of rows) {
    const text = row.query.replace(/\$\d+(, \$\d+)+/g, '$…').replace(/\s+/g, ' ');
    console.log(
      `  ${Math.round(row.exec)} + ${Math.round(row.plan)} ms, ${row.calls}× — ${text.slice(0, 150)}`,
    );
  }
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

    await admin.query('SELECT pg_stat_statements_reset()').catch(() => undefined);
    const started = Date.now();
    for (let i = 0; i < WORKERS; i++)
      workers.push(startWorker({ ...env, RECEIVER_QUEUE_WORKERS: 'true' }));
    const workerCpu = () => workers.reduce((sum, worker) => sum + cpuSeconds(worker.pid ?? 0), 0);
    // CPU of every backend seen (a connection may close before the end): the last reading counts.
    const backends = new Map<number, number>();
    const databaseCpu = async () => {
      for (const pid of await backendPids(db, name)) backends.set(pid, cpuSeconds(pid));
      for (const pid of backends.keys()) backends.set(pid, cpuSeconds(pid) || backends.get(pid)!);
      return [...backends.values()].reduce((sum, seconds) => sum + seconds, 0);
    };
    // Progress is read from Redis, not the database: a worker deletes its entries once their
    // transaction committed, and a COUNT(*) ten times a second would load the database measured.
    let first = 0;
    let firstCount = 0;
    let firstCpu = { workers: 0, database: 0 };
    let count = 0;
    const deadline = started + 600_000;
    while (count < queued && Date.now() < deadline) {
      await sleep(50);
      count = queued - (await redis.xlen(stream));
      if (!first && count > 0) {
        first = Date.now();
        firstCount = count;
        firstCpu = { workers: workerCpu(), database: await databaseCpu() };
      }
    }
    const done = Date.now();
    const cpu = {
      workers: workerCpu() - firstCpu.workers,
      database: (await databaseCpu()) - firstCpu.database,
    };
    count = Number((await db.query('SELECT COUNT(*) AS n FROM pageviews')).rows[0].n as string);
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
    const drained = count - firstCount;
    const wall = (done - first) / 1000;
    const perThousand = (seconds: number) => ((seconds / drained) * 1_000_000).toFixed(0);
    console.log(
      `CPU after the first batch: workers ${cpu.workers.toFixed(1)} s, database backends ` +
        `${cpu.database.toFixed(1)} s in ${wall.toFixed(1)} s (${((cpu.workers + cpu.database) / wall).toFixed(2)} ` +
        `cores); per 1,000 events: workers ${perThousand(cpu.workers)} ms, database ${perThousand(cpu.database)} ms`,
    );
    await topStatements(admin, name);
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
