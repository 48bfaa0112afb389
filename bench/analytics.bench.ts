/**
 * `npm run bench -- analytics`: seeds a fresh database with 1,000,000 pageviews (≈50k visitors,
 * ≈200k sessions, 30 days, a daily curve and Zipf-like page popularity), 20k error events in 300
 * groups, 10k audits and 50k clicks on 50 links, builds the analytics rollups with the
 * `receiver rebuild-rollups` command (the raw rows are bulk-seeded; the bench never writes
 * rollups itself), then measures every analytics endpoint over HTTP (Nest + Fastify, in this
 * process), `range=30d` and a 14-day `range=custom`: p50/p99 uncached (the cache is purged
 * before each request) and cached (key check and rate limit included), the cached hits timed
 * alternately with a bare Fastify route sending the same bytes (the machine's floor at that
 * moment). Goals: ≤ 100 ms p99 uncached; ≤ 3 ms p99 cached.
 *
 * - `BENCH_ENGINE=sqlite|postgres|mariadb` (default sqlite): PostgreSQL and MariaDB get a fresh
 *   `bench_analytics` database (or `BENCH_DB_NAME`) on the server of `BENCH_POSTGRES_URL` / `BENCH_MARIADB_URL`
 *   (default the local services), dropped at the end unless `BENCH_KEEP_DB=1`.
 * - `BENCH_PAGEVIEWS=10000000` for the 10M run; `BENCH_UNCACHED_RUNS` (default 15);
 *   `BENCH_ENDPOINTS=pages,locations` measures only those endpoints.
 * - `BENCH_RAW=1` skips the rebuild: the receiver then answers from the raw rows (the "before").
 * - `BENCH_SEED_ONLY=1` stops after seeding and rebuilding; `BENCH_DB=<file>` (SQLite) or
 *   `BENCH_REUSE_DB=1` (PostgreSQL, MariaDB) reuses a database kept by an earlier run of the day.
 */
import 'reflect-metadata';
import Database from 'better-sqlite3';
import type { DataSource, DataSourceOptions } from 'typeorm';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import Fastify from 'fastify';
import { dirname, join } from 'node:path';
import { ReceiverModule } from '../receiver';
import { AnalyticsCache } from '../receiver/cache';
import { createReceiverDataSource } from '../receiver/storage';
import { runReceiverMigrate, runReceiverRebuildRollups } from '../receiver/cli';
import { databaseFromUrl } from '../receiver/config/receiver-options.resolver';

const PAGEVIEWS = Number(process.env.BENCH_PAGEVIEWS ?? 1_000_000);
// 1 visitor per 20 pageviews and 1 session per 5, at any volume (50k and 200k for 1M).
const VISITORS = Math.round(PAGEVIEWS / 20);
const SESSIONS = Math.round(PAGEVIEWS / 5);
const DAYS = 30;
const UNCACHED_RUNS = Number(process.env.BENCH_UNCACHED_RUNS ?? 15);
const CACHED_RUNS = 300;
const DAY_MS = 86_400_000;
/** `@RateLimit` names of the analytics endpoints (their suffix without `_`). */
const ANALYTICS_LIMIT_NAMES = [
  'visitors',
  'visitors_returning',
  'sessions',
  'pages',
  'devices',
  'locations',
  'referrers',
  'utm',
  'errors_analytics',
  'errors_trend',
  'error_detail',
  'audits',
  'links',
  'link_detail',
  'retention',
];

/** Deterministic PRNG (mulberry32) so every run seeds the same data. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = random(42);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
/** Zipf-like index in [0, n): low indexes are much more frequent. */
const zipf = (n: number): number => Math.min(n - 1, Math.floor(n ** rnd()) - 1);
const stamp = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/** An instant in the last 30 days following a day/night curve (more traffic in the afternoon). */
function when(now: number): number {
  const day = Math.floor(rnd() * DAYS);
  let hour = Math.floor(rnd() * 24);
  if (rnd() < 0.5) hour = 9 + Math.floor(rnd() * 12);
  return now - (day + 1) * DAY_MS + hour * 3_600_000 + Math.floor(rnd() * 3_600_000);
}

/** Where the seed writes: the engine's fastest plain path (rows are bulk-inserted, never rollups). */
interface Sink {
  insert(table: string, columns: string[], rows: unknown[][]): Promise<void>;
  time(ms: number): unknown;
  bool(value: boolean): unknown;
  finish(): Promise<void>;
}

/** SQLite: prepared statements in one transaction per call. */
function sqliteSink(file: string): Sink {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  return {
    async insert(table, columns, rows) {
      const statement = db.prepare(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      db.transaction(() => rows.forEach((row) => statement.run(...row)))();
    },
    time: stamp,
    bool: (value) => (value ? 1 : 0),
    async finish() {
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.exec('ANALYZE');
      db.close();
    },
  };
}

/** PostgreSQL and MariaDB: multi-row INSERTs through the receiver's own data source. */
function sqlSink(ds: DataSource, engine: 'postgres' | 'mariadb'): Sink {
  return {
    async insert(table, columns, rows) {
      const chunk = Math.floor(20_000 / columns.length);
      for (let i = 0; i < rows.length; i += chunk) {
        const part = rows.slice(i, i + chunk);
        let n = 0;
        const tuples = part.map(
          (row) => `(${row.map(() => (engine === 'postgres' ? `$${++n}` : '?')).join(', ')})`,
        );
        await ds.query(
          `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`,
          part.flat(),
        );
      }
    },
    time: (ms) => (engine === 'postgres' ? `${stamp(ms)}+00` : stamp(ms)),
    bool: (value) => (engine === 'postgres' ? value : value ? 1 : 0),
    async finish() {
      await ds.query(
        engine === 'postgres' ? 'ANALYZE' : 'ANALYZE TABLE pageviews, sessions, visitors',
      );
    },
  };
}

/**
 * Seeds a freshly migrated database (ids start at 1 in every table, which the rows below rely
 * on: project 1, devices 1…60, locations 1…120, visitors, sessions, groups and links by index).
 */
async function seed(sink: Sink, now: number): Promise<{ projectId: number; secret: string }> {
  const secret = 'b'.repeat(64);
  const created = sink.time(now - 60 * DAY_MS);
  const projectId = 1;
  await sink.insert(
    'projects',
    [
      'name',
      'secret_key',
      'public_key',
      'allowed_domains',
      'is_active',
      'created_at',
      'updated_at',
    ],
    [['bench', secret, 'c'.repeat(32), 'bench.example', sink.bool(true), created, created]],
  );
  const deviceRows: unknown[][] = [];
  for (const type of ['desktop', 'mobile', 'tablet'])
    for (const os of ['Windows', 'macOS', 'iOS', 'Android', 'Linux'])
      for (const browser of ['Chrome', 'Safari', 'Firefox', 'Edge'])
        deviceRows.push([projectId, type, os, browser, '120', created]);
  await sink.insert(
    'devices',
    ['project_id', 'device_type', 'os', 'browser', 'browser_version', 'created_at'],
    deviceRows,
  );
  const devices = deviceRows.map((_, i) => i + 1);
  const locationRows: unknown[][] = [];
  for (let i = 0; i < 120; i++) {
    const code = `C${String.fromCharCode(65 + (i % 26))}`;
    locationRows.push([
      projectId,
      `Country ${code}`,
      code,
      `Region ${i % 40}`,
      `City ${i}`,
      sink.bool(false),
      created,
    ]);
  }
  await sink.insert(
    'locations',
    ['project_id', 'country', 'country_code', 'region', 'city', 'is_vpn', 'created_at'],
    locationRows,
  );
  const locations = locationRows.map((_, i) => i + 1);
  const visitorFirst: number[] = [];
  const visitorRows: unknown[][] = [];
  for (let i = 0; i < VISITORS; i++) {
    // A third were first seen before the window (returning visitors).
    const first = rnd() < 0.33 ? now - (DAYS + 10) * DAY_MS : when(now);
    visitorFirst.push(first);
    visitorRows.push([
      projectId,
      i.toString(16).padStart(64, '0'),
      '',
      sink.time(first),
      sink.time(first),
    ]);
  }
  await sink.insert(
    'visitors',
    ['project_id', 'visitor_hash', 'fingerprint_hash', 'first_seen', 'last_seen'],
    visitorRows,
  );
  const sessionVisitor: number[] = [];
  const sessionStart: number[] = [];
  const sessionRows: unknown[][] = [];
  for (let i = 0; i < SESSIONS; i++) {
    const visitor = zipf(VISITORS) + 1;
    const start = Math.max(visitorFirst[visitor - 1], when(now));
    sessionVisitor.push(visitor);
    sessionStart.push(start);
    const bounced = rnd() < 0.4;
    const duration = bounced ? 0 : Math.floor(rnd() * 1800);
    sessionRows.push([
      projectId,
      visitor,
      `s${i}`,
      sink.time(start),
      sink.time(start + duration * 1000),
      sink.bool(bounced),
    ]);
  }
  await sink.insert(
    'sessions',
    ['project_id', 'visitor_id', 'session_token', 'started_at', 'last_activity', 'is_bounced'],
    sessionRows,
  );
  const pages = Array.from({ length: 500 }, (_, i) => `https://bench.example/page/${i}`);
  const referrers: Array<[string, string]> = [
    ['', 'direct'],
    ['https://www.google.com/', 'organic_search'],
    ['https://t.co/x', 'referral'],
    ['https://www.facebook.com/', 'social'],
    ['https://mail.example.com/', 'email'],
  ];
  // Rows are generated first and inserted in time order, as a live receiver appends them.
  const rows: Array<[number, number, number | null, number, number, number, number]> = [];
  for (let i = 0; i < PAGEVIEWS; i++) {
    const session = Math.floor(rnd() * SESSIONS);
    const at = sessionStart[session] + Math.floor(rnd() * 600_000);
    const location = rnd() < 0.9 ? pick(locations) : null;
    rows.push([
      at,
      session,
      location,
      pick(devices),
      zipf(pages.length),
      Math.floor(rnd() * referrers.length),
      rnd() < 0.1 ? zipf(20) : -1,
    ]);
  }
  rows.sort((a, b) => a[0] - b[0]);
  const batch = 100_000;
  for (let done = 0; done < rows.length; done += batch) {
    await sink.insert(
      'pageviews',
      [
        'project_id',
        'session_id',
        'visitor_id',
        'location_id',
        'device_id',
        'url',
        'page_title',
        'referrer_url',
        'referrer_category',
        'utm_source',
        'utm_medium',
        'utm_campaign',
        'created_at',
      ],
      rows.slice(done, done + batch).map(([at, session, location, device, page, referrer, no]) => {
        const [ref, category] = referrers[referrer];
        const campaign = no >= 0 ? `campaign-${no}` : '';
        return [
          projectId,
          session + 1,
          sessionVisitor[session],
          location,
          device,
          pages[page],
          `Page ${page}`,
          ref,
          category,
          campaign ? 'newsletter' : '',
          campaign ? 'email' : '',
          campaign,
          sink.time(at),
        ];
      }),
    );
  }
  const groupRows: unknown[][] = [];
  for (let i = 0; i < 300; i++) {
    const last = when(now);
    groupRows.push([
      projectId,
      String(i).padStart(64, '0'),
      'TypeError',
      `failure ${i}`,
      'app.js',
      i,
      pick(['error', 'critical', 'warning']),
      'production',
      pick(['open', 'investigating', 'resolved', 'ignored']),
      70,
      sink.time(last - 5 * DAY_MS),
      sink.time(last),
    ]);
  }
  await sink.insert(
    'error_groups',
    [
      'project_id',
      'fingerprint',
      'error_type',
      'message',
      'file',
      'line',
      'severity',
      'environment',
      'status',
      'occurrence_count',
      'first_seen',
      'last_seen',
    ],
    groupRows,
  );
  const groups = groupRows.map((_, i) => i + 1);
  const eventRows: unknown[][] = [];
  for (let i = 0; i < 20_000; i++)
    eventRows.push([
      groups[zipf(groups.length)],
      projectId,
      pick(devices),
      pick(locations),
      'at f (app.js:1)',
      'https://bench.example/',
      'production',
      'error',
      '{"k":1}',
      sink.time(when(now)),
    ]);
  await sink.insert(
    'error_events',
    [
      'group_id',
      'project_id',
      'device_id',
      'location_id',
      'stack_trace',
      'url',
      'environment',
      'severity',
      'context',
      'created_at',
    ],
    eventRows,
  );
  const auditRows: unknown[][] = [];
  for (let i = 0; i < 10_000; i++)
    auditRows.push([
      projectId,
      `action.${zipf(30)}`,
      `user${zipf(500)}`,
      'h',
      null,
      sink.time(when(now)),
    ]);
  await sink.insert(
    'audit_logs',
    ['project_id', 'action', 'actor', 'ip_hash', 'context', 'created_at'],
    auditRows,
  );
  const linkRows: unknown[][] = [];
  for (let i = 0; i < 50; i++)
    linkRows.push([
      projectId,
      `Bench${String(i).padStart(3, '0')}`,
      'https://bench.example/',
      '',
      sink.bool(true),
      created,
    ]);
  await sink.insert(
    'tracked_links',
    ['project_id', 'code', 'destination_url', 'label', 'is_active', 'created_at'],
    linkRows,
  );
  const links = linkRows.map((_, i) => i + 1);
  const clickRows: unknown[][] = [];
  for (let i = 0; i < 50_000; i++)
    clickRows.push([
      links[zipf(links.length)],
      projectId,
      pick(locations),
      pick(devices),
      '',
      'direct',
      `ip${zipf(20_000)}`,
      sink.time(when(now)),
    ]);
  await sink.insert(
    'link_clicks',
    [
      'link_id',
      'project_id',
      'location_id',
      'device_id',
      'referrer_url',
      'referrer_category',
      'ip_hash',
      'created_at',
    ],
    clickRows,
  );
  await sink.finish();
  return { projectId, secret };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

type Engine = 'sqlite' | 'postgres' | 'mariadb';
const ENGINE = (process.env.BENCH_ENGINE ?? 'sqlite') as Engine;
/** `BENCH_DB_NAME` lets two benches share one server without dropping each other's database. */
const BENCH_DB_NAME = process.env.BENCH_DB_NAME ?? 'bench_analytics';

/**
 * The bench database: a fresh SQLite file, or a fresh `bench_analytics` database on the
 * PostgreSQL / MariaDB server of BENCH_POSTGRES_URL / BENCH_MARIADB_URL (default: the local
 * services), dropped at the end unless kept.
 */
async function benchDatabase(): Promise<{
  url: string;
  options: DataSourceOptions;
  drop: () => Promise<void>;
  reused: boolean;
}> {
  if (ENGINE === 'sqlite') {
    // BENCH_DB=<file> reuses a database seeded (and kept) by an earlier run of the same day.
    const reuse = process.env.BENCH_DB;
    const dir = reuse ? dirname(reuse) : mkdtempSync(join(tmpdir(), 'analytics-bench-'));
    const file = reuse ?? join(dir, 'receiver.sqlite');
    return {
      url: `sqlite:${file}`,
      options: { type: 'better-sqlite3', database: file },
      reused: !!reuse,
      drop: async () => {
        if (process.env.BENCH_KEEP_DB || reuse) console.log(`database kept at ${file}`);
        else rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const server =
    ENGINE === 'postgres'
      ? (process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
      : (process.env.BENCH_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/mysql');
  const url = server.replace(/\/[^/?]*(\?|$)/, `/${BENCH_DB_NAME}$1`);
  const admin = await createReceiverDataSource(databaseFromUrl(server));
  const reused = !!process.env.BENCH_REUSE_DB;
  if (!reused) {
    await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB_NAME}`);
    await admin.query(`CREATE DATABASE ${BENCH_DB_NAME}`);
  }
  return {
    url,
    options: databaseFromUrl(url),
    reused,
    drop: async () => {
      if (process.env.BENCH_KEEP_DB) console.log(`database kept: ${url}`);
      else await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB_NAME}`);
      await admin.destroy();
    },
  };
}

async function main(): Promise<void> {
  const database = await benchDatabase();
  const now = Date.now();
  const seedStart = performance.now();
  let seeded = { projectId: 1, secret: 'b'.repeat(64) };
  if (!database.reused) {
    const ds = await createReceiverDataSource(database.options);
    await ds.runMigrations();
    if (ENGINE === 'sqlite') {
      await ds.destroy();
      seeded = await seed(sqliteSink((database.options as { database: string }).database), now);
    } else {
      seeded = await seed(sqlSink(ds, ENGINE), now);
      await ds.destroy();
    }
    const seconds = ((performance.now() - seedStart) / 1000).toFixed(1);
    console.log(`${ENGINE}: seeded ${PAGEVIEWS.toLocaleString('en')} pageviews in ${seconds} s`);
  }
  const { projectId, secret } = seeded;

  const zone = 'Europe/Paris';
  if (!process.env.BENCH_RAW) {
    const started = performance.now();
    const output = {
      out: (line: string) => console.log(line),
      err: (line: string) => console.error(line),
    };
    // A reused database may predate the rollup tables.
    await runReceiverMigrate({ database: database.url }, output);
    const code = await runReceiverRebuildRollups({ database: database.url }, output, {
      ...process.env,
      RECEIVER_TIMEZONE: zone,
    });
    if (code !== 0) throw new Error('rebuild-rollups failed');
    console.log(`rebuild-rollups took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } else {
    console.log('BENCH_RAW: no rollups, answers come from the raw rows');
  }
  if (process.env.BENCH_SEED_ONLY) {
    await database.drop();
    return;
  }

  @Module({
    imports: [
      ReceiverModule.forRoot({
        database: database.options,
        adminKey: 'bench-admin',
        ipHashSalt: 'bench',
        production: false,
        timezone: zone,
        // The rate limit runs on every request (a cached hit pays for it, as in production) but
        // is raised so that the bench's thousands of requests from one IP are never blocked.
        rateLimit: {
          perIp: Object.fromEntries(ANALYTICS_LIMIT_NAMES.map((name) => [name, 1_000_000_000])),
        },
      }),
    ],
  })
  class BenchModule {}
  const app = await NestFactory.create(BenchModule, new FastifyAdapter(), { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const cache = app.get(AnalyticsCache);
  // The floor of a cached hit on this machine at this moment: a bare Fastify route in the same
  // process sending the same bytes, timed alternately with the hits so both see the same load.
  const bare = Fastify();
  let bareBody = '';
  bare.get('/bare', async (_request, reply) => reply.type('application/json').send(bareBody));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const barePort = (bare.server.address() as { port: number }).port;
  // No `X-Test-Mode`: that header skips the rate limit, and the goal includes it.
  const headers = { 'X-API-Key': secret };
  const only = process.env.BENCH_ENDPOINTS?.split(',');
  const endpoints = [
    'visitors',
    'visitors-returning',
    'sessions',
    'pages',
    'devices',
    'locations',
    'referrers',
    'utm',
    'retention',
    'errors',
    'errors-trend',
    'error-detail?id=1',
    'audits',
    'links',
    'link-detail?code=Bench000',
  ].filter((endpoint) => !only || only.includes(endpoint.replace(/\?.*/, '')));
  const request = async (url: string, init?: RequestInit): Promise<[number, string]> => {
    const start = performance.now();
    const res = await fetch(url, init);
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    return [performance.now() - start, body];
  };
  const time = async (path: string): Promise<number> =>
    (await request(`http://127.0.0.1:${port}/api/analytics/${path}`, { headers }))[0];
  const day = (offset: number) => new Date(now + offset * DAY_MS).toISOString().slice(0, 10);
  const ranges = ['range=30d', `range=custom&from=${day(-20)}&to=${day(-7)}`];
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  console.log(`\nload average before measuring: ${load()}`);
  console.log(
    `${'endpoint'.padEnd(30)} ${'range'.padEnd(6)} ${'uncached p50'.padStart(13)} ${'p99'.padStart(9)} ${'cached p50'.padStart(11)} ${'p99'.padStart(8)} ${'bare p99'.padStart(9)} ${'cpu/uncached'.padStart(12)}`,
  );
  const worst = { uncached: [0, ''], cached: [0, ''], bare: [0, ''] } as Record<
    string,
    [number, string]
  >;
  const note = (kind: string, ms: number, what: string) => {
    if (ms > worst[kind][0]) worst[kind] = [ms, what];
  };
  for (const endpoint of endpoints)
    for (const range of ranges) {
      const path = `${endpoint.replace(/(\?|$)/, '.php$1')}${endpoint.includes('?') ? '&' : '?'}${range}`;
      const uncached: number[] = [];
      // Warm-up (statement preparation, JIT); its body is what the bare route sends.
      bareBody = (await request(`http://127.0.0.1:${port}/api/analytics/${path}`, { headers }))[1];
      // This process's CPU per uncached answer (all of it on SQLite, the client side on the
      // servers): unlike wall time, it barely moves with the machine's load.
      const cpuStart = process.cpuUsage();
      for (let i = 0; i < UNCACHED_RUNS; i++) {
        await cache.invalidateProject(projectId);
        uncached.push(await time(path));
      }
      const cpu = process.cpuUsage(cpuStart);
      const cpuMs = (cpu.user + cpu.system) / 1000 / UNCACHED_RUNS;
      const cached: number[] = [];
      const floor: number[] = [];
      for (let i = 0; i < CACHED_RUNS; i++) {
        cached.push(await time(path));
        floor.push((await request(`http://127.0.0.1:${barePort}/bare`))[0]);
      }
      uncached.sort((a, b) => a - b);
      cached.sort((a, b) => a - b);
      floor.sort((a, b) => a - b);
      const what = `${endpoint} ${range.slice(6, 12)}`;
      note('uncached', percentile(uncached, 99), what);
      note('cached', percentile(cached, 99), what);
      note('bare', percentile(floor, 99), what);
      console.log(
        `${endpoint.padEnd(30)} ${range.slice(6, 12).padEnd(6)} ${percentile(uncached, 50).toFixed(1).padStart(10)} ms ${percentile(uncached, 99).toFixed(1).padStart(6)} ms ` +
          `${percentile(cached, 50).toFixed(2).padStart(8)} ms ${percentile(cached, 99).toFixed(2).padStart(5)} ms ${percentile(floor, 99).toFixed(2).padStart(6)} ms ${cpuMs.toFixed(1).padStart(9)} ms`,
      );
    }
  console.log(`load average after measuring: ${load()}`);
  const size = `${(PAGEVIEWS / 1e6).toLocaleString('en')}M`;
  const fmt = ([ms, what]: [number, string]) => `${ms.toFixed(1)} ms (${what})`;
  console.log(
    `» analytics ${ENGINE} ${size}: worst uncached p99 ${fmt(worst.uncached)}, worst cached p99 ` +
      `${fmt(worst.cached)}, bare Fastify p99 up to ${fmt(worst.bare)}; load ${load()}`,
  );
  await bare.close();
  await app.close();
  await database.drop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
