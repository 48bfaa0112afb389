/**
 * `npm run bench -- analytics`: seeds a fresh database with 1,000,000 pageviews (≈50k visitors,
 * ≈200k sessions, 30 days, a daily curve and Zipf-like page popularity), 20k error events in 300
 * groups, 10k audits and 50k clicks on 50 links, builds the analytics rollups with the
 * `receiver rebuild-rollups` command (the raw rows are bulk-seeded; the bench never writes
 * rollups itself), then measures every analytics endpoint over HTTP (Nest + Fastify, in this
 * process), `range=30d` and a 14-day `range=custom`: p50/p99 uncached (the cache is purged
 * before each request) and cached (key check and rate limit included), the cached hits loaded by
 * `wrk` (one connection, `BENCH_CACHED_SECONDS` each, default 2) right before a bare Fastify route
 * sending the same bytes (the machine's floor at that moment), with this process's CPU per hit and per
 * bare answer (the figure the machine's load moves least). Goals: ≤ 100 ms p99 uncached;
 * ≤ 3 ms p99 cached.
 *
 * - `BENCH_ENGINE=sqlite|postgres|mariadb` (default: all three in turn, the servers where they
 *   answer, each engine in a process of its own): PostgreSQL and MariaDB get a fresh
 *   `bench_analytics` database (or `BENCH_DB_NAME`) on the server of `BENCH_POSTGRES_URL` / `BENCH_MARIADB_URL`
 *   (default the local services), dropped at the end unless `BENCH_KEEP_DB=1`.
 * - `BENCH_PAGEVIEWS=10000000` for the 10M run; `BENCH_AUDITS` (default 10000) audit entries;
 *   `BENCH_UNCACHED_RUNS` (default 15);
 *   `BENCH_ENDPOINTS=pages,locations` measures only those endpoints.
 * - `BENCH_RAW=1` skips the rebuild: on a fresh database the receiver then answers from the raw
 *   rows (the "before"); on a reused one, from the rollups an earlier run built (measure only).
 * - `BENCH_SEED_ONLY=1` stops after seeding and rebuilding; `BENCH_DB=<file>` (SQLite) or
 *   `BENCH_REUSE_DB=1` (PostgreSQL, MariaDB) reuses a database kept by an earlier run of the day.
 */
import 'reflect-metadata';
import type { DataSource, DataSourceOptions, ObjectLiteral } from 'typeorm';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import Fastify from 'fastify';
import { dirname, join } from 'node:path';
import { ReceiverModule } from '../receiver';
import { AnalyticsCache } from '../receiver/cache';
import {
  AuditLogEntity,
  createReceiverDataSource,
  DeviceEntity,
  ErrorEventEntity,
  ErrorGroupEntity,
  LinkClickEntity,
  LocationEntity,
  PageviewEntity,
  ProjectEntity,
  type ReferrerCategory,
  SessionEntity,
  SqlRunner,
  TrackedLinkEntity,
  VisitorEntity,
} from '../receiver/storage';
import { runReceiverMigrate, runReceiverRebuildRollups } from '../receiver/cli';
import { databaseFromUrl } from '../receiver/config/receiver-options.resolver';
import { wrk } from './support/wrk';

const PAGEVIEWS = Number(process.env.BENCH_PAGEVIEWS ?? 1_000_000);
// 1 visitor per 20 pageviews and 1 session per 5, at any volume (50k and 200k for 1M).
const VISITORS = Math.round(PAGEVIEWS / 20);
const SESSIONS = Math.round(PAGEVIEWS / 5);
const DAYS = 30;
const AUDITS = Number(process.env.BENCH_AUDITS ?? 10_000);
const UNCACHED_RUNS = Number(process.env.BENCH_UNCACHED_RUNS ?? 15);
/** wrk's load for a cached figure: one client, requests back to back (`BENCH_CACHED_SECONDS`). */
const ONE_CLIENT = {
  connections: 1,
  threads: 1,
  seconds: Number(process.env.BENCH_CACHED_SECONDS ?? 2),
};
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

/** An instant in the last 30 days following a day/night curve (more traffic in the afternoon). */
function when(now: number): number {
  const day = Math.floor(rnd() * DAYS);
  let hour = Math.floor(rnd() * 24);
  if (rnd() < 0.5) hour = 9 + Math.floor(rnd() * 12);
  return now - (day + 1) * DAY_MS + hour * 3_600_000 + Math.floor(rnd() * 3_600_000);
}

/**
 * Where the seed writes: the receiver's own bulk insert ({@link SqlRunner.insertAll}, the one the
 * Micrologs import writes with), one transaction per call. Rows only: never rollups.
 */
class SeedWriter {
  constructor(private readonly ds: DataSource) {}

  /** SQLite: no fsync and a 1 GB page cache while seeding (10M rows update 9 indexes). */
  async prepare(): Promise<void> {
    if (this.ds.options.type !== 'better-sqlite3') return;
    await this.ds.query('PRAGMA synchronous = OFF');
    await this.ds.query('PRAGMA cache_size = -1000000');
  }

  async insert(entity: new () => ObjectLiteral, rows: object[]): Promise<void> {
    await this.ds.transaction((manager) => new SqlRunner(manager).insertAll(entity, rows));
  }

  async finish(): Promise<void> {
    if (this.ds.options.type === 'better-sqlite3') {
      await this.ds.query('PRAGMA wal_checkpoint(TRUNCATE)');
      await this.ds.query('ANALYZE');
    } else
      await this.ds.query(
        this.ds.options.type === 'postgres'
          ? 'ANALYZE'
          : 'ANALYZE TABLE pageviews, sessions, visitors',
      );
  }
}

/** Rows per insert call (and transaction) for the large tables. */
const SEED_CHUNK = 50_000;

/** Inserts `count` rows made by `row(i)`, SEED_CHUNK at a time (10M rows never sit in memory). */
async function insertGenerated(
  writer: SeedWriter,
  entity: new () => ObjectLiteral,
  count: number,
  row: (i: number) => object,
): Promise<void> {
  for (let start = 0; start < count; start += SEED_CHUNK) {
    const rows: object[] = [];
    for (let i = start; i < Math.min(count, start + SEED_CHUNK); i++) rows.push(row(i));
    await writer.insert(entity, rows);
  }
}

/**
 * Seeds a freshly migrated database (ids start at 1 in every table, which the rows below rely
 * on: project 1, devices 1…60, locations 1…120, visitors, sessions, groups and links by index).
 * Per-row facts live in typed arrays, so 10M pageviews fit in a few hundred MB.
 */
async function seed(
  writer: SeedWriter,
  now: number,
): Promise<{ projectId: number; secret: string }> {
  await writer.prepare();
  const secret = 'b'.repeat(64);
  const created = new Date(now - 60 * DAY_MS);
  const projectId = 1;
  await writer.insert(ProjectEntity, [
    {
      name: 'bench',
      secret_key: secret,
      public_key: 'c'.repeat(32),
      allowed_domains: 'bench.example',
      is_active: true,
      created_at: created,
      updated_at: created,
    },
  ]);
  const deviceRows: object[] = [];
  for (const device_type of ['desktop', 'mobile', 'tablet'])
    for (const os of ['Windows', 'macOS', 'iOS', 'Android', 'Linux'])
      for (const browser of ['Chrome', 'Safari', 'Firefox', 'Edge'])
        deviceRows.push({
          project_id: projectId,
          device_type,
          os,
          browser,
          browser_version: '120',
          created_at: created,
        });
  await writer.insert(DeviceEntity, deviceRows);
  const devices = deviceRows.map((_, i) => i + 1);
  const locationRows: object[] = [];
  for (let i = 0; i < 120; i++) {
    const code = `C${String.fromCharCode(65 + (i % 26))}`;
    locationRows.push({
      project_id: projectId,
      country: `Country ${code}`,
      country_code: code,
      region: `Region ${i % 40}`,
      city: `City ${i}`,
      is_vpn: false,
      created_at: created,
    });
  }
  await writer.insert(LocationEntity, locationRows);
  const locations = locationRows.map((_, i) => i + 1);
  const visitorFirst = new Float64Array(VISITORS);
  for (let i = 0; i < VISITORS; i++)
    // A third were first seen before the window (returning visitors).
    visitorFirst[i] = rnd() < 0.33 ? now - (DAYS + 10) * DAY_MS : when(now);
  await insertGenerated(writer, VisitorEntity, VISITORS, (i) => ({
    project_id: projectId,
    visitor_hash: i.toString(16).padStart(64, '0'),
    fingerprint_hash: '',
    first_seen: new Date(visitorFirst[i]),
    last_seen: new Date(visitorFirst[i]),
  }));
  const sessionVisitor = new Int32Array(SESSIONS);
  const sessionStart = new Float64Array(SESSIONS);
  const sessionSeconds = new Int32Array(SESSIONS); // -1: bounced
  for (let i = 0; i < SESSIONS; i++) {
    const visitor = zipf(VISITORS) + 1;
    sessionVisitor[i] = visitor;
    sessionStart[i] = Math.max(visitorFirst[visitor - 1], when(now));
    const bounced = rnd() < 0.4;
    sessionSeconds[i] = bounced ? -1 : Math.floor(rnd() * 1800);
  }
  await insertGenerated(writer, SessionEntity, SESSIONS, (i) => ({
    project_id: projectId,
    visitor_id: sessionVisitor[i],
    session_token: `s${i}`,
    started_at: new Date(sessionStart[i]),
    last_activity: new Date(sessionStart[i] + Math.max(0, sessionSeconds[i]) * 1000),
    is_bounced: sessionSeconds[i] < 0,
  }));
  const pages = Array.from({ length: 500 }, (_, i) => `https://bench.example/page/${i}`);
  const referrers: Array<[string, ReferrerCategory]> = [
    ['', 'direct'],
    ['https://www.google.com/', 'organic_search'],
    ['https://t.co/x', 'referral'],
    ['https://www.facebook.com/', 'social'],
    ['https://mail.example.com/', 'email'],
  ];
  // Rows are generated first and inserted in time order, as a live receiver appends them.
  const at = new Float64Array(PAGEVIEWS);
  const session = new Int32Array(PAGEVIEWS);
  const location = new Int16Array(PAGEVIEWS); // 0: none
  const device = new Int16Array(PAGEVIEWS);
  const page = new Int16Array(PAGEVIEWS);
  const referrer = new Int8Array(PAGEVIEWS);
  const campaign = new Int8Array(PAGEVIEWS); // -1: none
  for (let i = 0; i < PAGEVIEWS; i++) {
    session[i] = Math.floor(rnd() * SESSIONS);
    at[i] = sessionStart[session[i]] + Math.floor(rnd() * 600_000);
    location[i] = rnd() < 0.9 ? pick(locations) : 0;
    device[i] = pick(devices);
    page[i] = zipf(pages.length);
    referrer[i] = Math.floor(rnd() * referrers.length);
    campaign[i] = rnd() < 0.1 ? zipf(20) : -1;
  }
  const order = new Uint32Array(PAGEVIEWS);
  for (let i = 0; i < PAGEVIEWS; i++) order[i] = i;
  order.sort((a, b) => at[a] - at[b] || a - b);
  await insertGenerated(writer, PageviewEntity, PAGEVIEWS, (n) => {
    const i = order[n];
    const [ref, category] = referrers[referrer[i]];
    const name = campaign[i] >= 0 ? `campaign-${campaign[i]}` : '';
    return {
      project_id: projectId,
      session_id: session[i] + 1,
      visitor_id: sessionVisitor[session[i]],
      location_id: location[i] === 0 ? null : location[i],
      device_id: device[i],
      url: pages[page[i]],
      page_title: `Page ${page[i]}`,
      referrer_url: ref,
      referrer_category: category,
      utm_source: name ? 'newsletter' : '',
      utm_medium: name ? 'email' : '',
      utm_campaign: name,
      created_at: new Date(at[i]),
    };
  });
  const groupRows: object[] = [];
  for (let i = 0; i < 300; i++) {
    const last = when(now);
    groupRows.push({
      project_id: projectId,
      fingerprint: String(i).padStart(64, '0'),
      error_type: 'TypeError',
      message: `failure ${i}`,
      file: 'app.js',
      line: i,
      severity: pick(['error', 'critical', 'warning']),
      environment: 'production',
      status: pick(['open', 'investigating', 'resolved', 'ignored']),
      occurrence_count: 70,
      first_seen: new Date(last - 5 * DAY_MS),
      last_seen: new Date(last),
    });
  }
  await writer.insert(ErrorGroupEntity, groupRows);
  const groups = groupRows.map((_, i) => i + 1);
  await insertGenerated(writer, ErrorEventEntity, 20_000, () => ({
    group_id: groups[zipf(groups.length)],
    project_id: projectId,
    device_id: pick(devices),
    location_id: pick(locations),
    stack_trace: 'at f (app.js:1)',
    url: 'https://bench.example/',
    environment: 'production',
    severity: 'error',
    context: { k: 1 },
    created_at: new Date(when(now)),
  }));
  await insertGenerated(writer, AuditLogEntity, AUDITS, () => ({
    project_id: projectId,
    action: `action.${zipf(30)}`,
    actor: `user${zipf(500)}`,
    ip_hash: 'h',
    context: null,
    created_at: new Date(when(now)),
  }));
  const linkRows: object[] = [];
  for (let i = 0; i < 50; i++)
    linkRows.push({
      project_id: projectId,
      code: `Bench${String(i).padStart(3, '0')}`,
      destination_url: 'https://bench.example/',
      label: '',
      is_active: true,
      created_at: created,
    });
  await writer.insert(TrackedLinkEntity, linkRows);
  const links = linkRows.map((_, i) => i + 1);
  await insertGenerated(writer, LinkClickEntity, 50_000, () => ({
    link_id: links[zipf(links.length)],
    project_id: projectId,
    location_id: pick(locations),
    device_id: pick(devices),
    referrer_url: '',
    referrer_category: 'direct',
    ip_hash: `ip${zipf(20_000)}`,
    created_at: new Date(when(now)),
  }));
  await writer.finish();
  return { projectId, secret };
}

/** User + system time of a `process.cpuUsage()` difference, in µs. */
const cpuMicros = (usage: NodeJS.CpuUsage): number => usage.user + usage.system;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

type Engine = 'sqlite' | 'postgres' | 'mariadb';
const ENGINES: readonly Engine[] = ['sqlite', 'postgres', 'mariadb'];
/** Unset: every engine in turn, each in a process of its own ({@link everyEngine}). */
const ENGINE = process.env.BENCH_ENGINE as Engine | undefined;
/** `BENCH_DB_NAME` lets two benches share one server without dropping each other's database. */
const BENCH_DB_NAME = process.env.BENCH_DB_NAME ?? 'bench_analytics';

/**
 * The bench database: a fresh SQLite file, or a fresh `bench_analytics` database on the
 * PostgreSQL / MariaDB server of BENCH_POSTGRES_URL / BENCH_MARIADB_URL (default: the local
 * services), dropped at the end unless kept.
 */
async function benchDatabase(engine: Engine): Promise<{
  url: string;
  options: DataSourceOptions;
  drop: () => Promise<void>;
  reused: boolean;
}> {
  if (engine === 'sqlite') {
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
  const server = serverUrl(engine);
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

/** The PostgreSQL or MariaDB server the bench creates its database on. */
function serverUrl(engine: Exclude<Engine, 'sqlite'>): string {
  return engine === 'postgres'
    ? (process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
    : (process.env.BENCH_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/mysql');
}

/**
 * Without `BENCH_ENGINE`: SQLite, then PostgreSQL and MariaDB where their server answers (a `»`
 * line says which was skipped), each run in a fresh process of this file, one after the other.
 */
async function everyEngine(): Promise<void> {
  let failed = 0;
  for (const engine of ENGINES) {
    if (engine !== 'sqlite') {
      try {
        await (await createReceiverDataSource(databaseFromUrl(serverUrl(engine)))).destroy();
      } catch (error) {
        console.log(
          `» analytics ${engine}: skipped, no server at ${serverUrl(engine)} (${String(error)})`,
        );
        continue;
      }
    }
    const child = spawn(process.execPath, [...process.execArgv, __filename], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_ENGINE: engine },
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) failed++;
  }
  if (failed > 0) process.exitCode = 1;
}

async function main(engine: Engine): Promise<void> {
  const database = await benchDatabase(engine);
  const now = Date.now();
  const seedStart = performance.now();
  let seeded = { projectId: 1, secret: 'b'.repeat(64) };
  if (!database.reused) {
    const ds = await createReceiverDataSource(database.options);
    await ds.runMigrations();
    seeded = await seed(new SeedWriter(ds), now);
    await ds.destroy();
    const seconds = ((performance.now() - seedStart) / 1000).toFixed(1);
    console.log(`${engine}: seeded ${PAGEVIEWS.toLocaleString('en')} pageviews in ${seconds} s`);
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
    console.log(
      database.reused
        ? 'BENCH_RAW: rollups not rebuilt; the answers come from what the reused database holds'
        : 'BENCH_RAW: no rollups, answers come from the raw rows',
    );
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
    'audits?actor=user1',
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
  const base = `http://127.0.0.1:${port}`;
  const time = async (path: string): Promise<number> =>
    (await request(`${base}/api/analytics/${path}`, { headers }))[0];
  const day = (offset: number) => new Date(now + offset * DAY_MS).toISOString().slice(0, 10);
  const ranges = ['range=30d', `range=custom&from=${day(-20)}&to=${day(-7)}`];
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  // The cached path's first seconds run before V8 has optimised it (and the bare route's): one
  // second of each first, so that the first endpoint measured is not the one that pays for it.
  await time(`errors.php?${ranges[0]}`);
  await wrk({
    url: `${base}/api/analytics/errors.php?${ranges[0]}`,
    headers,
    ...ONE_CLIENT,
    seconds: 1,
  });
  await wrk({ url: `http://127.0.0.1:${barePort}/bare`, ...ONE_CLIENT, seconds: 1 });
  console.log(`\nload average before measuring: ${load()}`);
  console.log(
    `${'endpoint'.padEnd(30)} ${'range'.padEnd(6)} ${'uncached p50'.padStart(13)} ${'p99'.padStart(9)} ${'cached p50'.padStart(11)} ${'p99'.padStart(8)} ${'bare p99'.padStart(9)} ${'cpu/uncached'.padStart(12)} ${'cpu/hit'.padStart(9)} ${'cpu/bare'.padStart(9)}`,
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
      // Cached hits and the bare route, one after the other, each loaded by wrk on one connection
      // from its own process: thousands of samples a figure, and no client work in this process.
      // This process's CPU per answer, a hit and a bare one: the figure the machine's load moves least.
      let cpuAt = process.cpuUsage();
      const hits = await wrk({ url: `${base}/api/analytics/${path}`, headers, ...ONE_CLIENT });
      const hitCpuUs = cpuMicros(process.cpuUsage(cpuAt)) / hits.ok;
      cpuAt = process.cpuUsage();
      const floor = await wrk({ url: `http://127.0.0.1:${barePort}/bare`, ...ONE_CLIENT });
      const bareCpuUs = cpuMicros(process.cpuUsage(cpuAt)) / floor.ok;
      if (hits.non2xx + hits.socketErrors > 0) throw new Error(`${path}: cached hits failed`);
      uncached.sort((a, b) => a - b);
      const what = `${endpoint} ${range.slice(6, 12)}`;
      note('uncached', percentile(uncached, 99), what);
      note('cached', hits.p99Ms, what);
      note('bare', floor.p99Ms, what);
      console.log(
        `${endpoint.padEnd(30)} ${range.slice(6, 12).padEnd(6)} ${percentile(uncached, 50).toFixed(1).padStart(10)} ms ${percentile(uncached, 99).toFixed(1).padStart(6)} ms ` +
          `${hits.p50Ms.toFixed(2).padStart(8)} ms ${hits.p99Ms.toFixed(2).padStart(5)} ms ${floor.p99Ms.toFixed(2).padStart(6)} ms ${cpuMs.toFixed(1).padStart(9)} ms ` +
          `${hitCpuUs.toFixed(0).padStart(6)} µs ${bareCpuUs.toFixed(0).padStart(6)} µs`,
      );
    }
  console.log(`load average after measuring: ${load()}`);
  const size = `${(PAGEVIEWS / 1e6).toLocaleString('en')}M`;
  const fmt = ([ms, what]: [number, string]) => `${ms.toFixed(1)} ms (${what})`;
  console.log(
    `» analytics ${engine} ${size}: worst uncached p99 ${fmt(worst.uncached)}, worst cached p99 ` +
      `${fmt(worst.cached)}, bare Fastify p99 up to ${fmt(worst.bare)}; load ${load()}`,
  );
  await bare.close();
  await app.close();
  await database.drop();
}

(ENGINE ? main(ENGINE) : everyEngine()).catch((error) => {
  console.error(error);
  process.exit(1);
});
