/**
 * `npm run bench -- analytics`: seeds a SQLite receiver with 1,000,000 pageviews (≈50k visitors,
 * ≈200k sessions, 30 days, a daily curve and Zipf-like page popularity), 20k error events in 300
 * groups, 10k audits and 50k clicks on 50 links, builds the analytics rollups with the
 * `receiver rebuild-rollups` command (the raw rows are bulk-seeded; the bench never writes
 * rollups itself), then measures every analytics endpoint over HTTP (Nest + Fastify, in this
 * process), `range=30d` and a 14-day `range=custom`: p50/p99 uncached (the cache is purged
 * before each request) and cached (key check and rate limit included). Goals: ≤ 100 ms p99 uncached; ≤ 3 ms p99 cached.
 * `BENCH_RAW=1` skips the rebuild: the receiver then answers from the raw rows (the "before").
 */
import 'reflect-metadata';
import Database from 'better-sqlite3';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ReceiverModule } from '../receiver';
import { AnalyticsCache } from '../receiver/cache';
import { createReceiverDataSource } from '../receiver/storage';
import { runReceiverMigrate, runReceiverRebuildRollups } from '../receiver/cli';

const PAGEVIEWS = Number(process.env.BENCH_PAGEVIEWS ?? 1_000_000);
const VISITORS = 50_000;
const SESSIONS = 200_000;
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

async function seed(file: string, now: number): Promise<{ projectId: number; secret: string }> {
  const ds = await createReceiverDataSource({ type: 'better-sqlite3', database: file });
  await ds.runMigrations();
  await ds.destroy();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const secret = 'b'.repeat(64);
  const created = stamp(now - 60 * DAY_MS);
  const projectId = Number(
    db
      .prepare(
        `INSERT INTO projects (name, secret_key, public_key, allowed_domains, is_active, created_at, updated_at)
         VALUES ('bench', ?, ?, 'bench.example', 1, ?, ?)`,
      )
      .run(secret, 'c'.repeat(32), created, created).lastInsertRowid,
  );
  const tx = (fn: () => void) => db.transaction(fn)();
  const devices: number[] = [];
  const locations: number[] = [];
  tx(() => {
    const d = db.prepare(
      `INSERT INTO devices (project_id, device_type, os, browser, browser_version, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    for (const type of ['desktop', 'mobile', 'tablet'])
      for (const os of ['Windows', 'macOS', 'iOS', 'Android', 'Linux'])
        for (const browser of ['Chrome', 'Safari', 'Firefox', 'Edge'])
          devices.push(Number(d.run(projectId, type, os, browser, '120', created).lastInsertRowid));
    const l = db.prepare(
      `INSERT INTO locations (project_id, country, country_code, region, city, is_vpn, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)`,
    );
    for (let i = 0; i < 120; i++) {
      const code = `C${String.fromCharCode(65 + (i % 26))}`;
      locations.push(
        Number(
          l.run(projectId, `Country ${code}`, code, `Region ${i % 40}`, `City ${i}`, created)
            .lastInsertRowid,
        ),
      );
    }
  });
  const visitorFirst: number[] = [];
  tx(() => {
    const v = db.prepare(
      `INSERT INTO visitors (project_id, visitor_hash, fingerprint_hash, first_seen, last_seen) VALUES (?, ?, '', ?, ?)`,
    );
    for (let i = 0; i < VISITORS; i++) {
      // A third were first seen before the window (returning visitors).
      const first = rnd() < 0.33 ? now - (DAYS + 10) * DAY_MS : when(now);
      visitorFirst.push(first);
      v.run(projectId, i.toString(16).padStart(64, '0'), stamp(first), stamp(first));
    }
  });
  const sessionVisitor: number[] = [];
  const sessionStart: number[] = [];
  tx(() => {
    const s = db.prepare(
      `INSERT INTO sessions (project_id, visitor_id, session_token, started_at, last_activity, is_bounced) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    for (let i = 0; i < SESSIONS; i++) {
      const visitor = zipf(VISITORS) + 1;
      const start = Math.max(visitorFirst[visitor - 1], when(now));
      sessionVisitor.push(visitor);
      sessionStart.push(start);
      const bounced = rnd() < 0.4;
      const duration = bounced ? 0 : Math.floor(rnd() * 1800);
      s.run(
        projectId,
        visitor,
        `s${i}`,
        stamp(start),
        stamp(start + duration * 1000),
        bounced ? 1 : 0,
      );
    }
  });
  const pages = Array.from({ length: 500 }, (_, i) => `https://bench.example/page/${i}`);
  const referrers: Array<[string, string]> = [
    ['', 'direct'],
    ['https://www.google.com/', 'organic_search'],
    ['https://t.co/x', 'referral'],
    ['https://www.facebook.com/', 'social'],
    ['https://mail.example.com/', 'email'],
  ];
  const pv = db.prepare(
    `INSERT INTO pageviews (project_id, session_id, visitor_id, location_id, device_id, url, page_title,
       referrer_url, referrer_category, utm_source, utm_medium, utm_campaign, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
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
    tx(() => {
      for (const [at, session, location, device, page, referrer, campaignNo] of rows.slice(
        done,
        done + batch,
      )) {
        const [ref, category] = referrers[referrer];
        const campaign = campaignNo >= 0 ? `campaign-${campaignNo}` : '';
        pv.run(
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
          stamp(at),
        );
      }
    });
  }
  tx(() => {
    const g = db.prepare(
      `INSERT INTO error_groups (project_id, fingerprint, error_type, message, file, line, severity, environment, status, occurrence_count, first_seen, last_seen)
       VALUES (?, ?, 'TypeError', ?, 'app.js', ?, ?, 'production', ?, ?, ?, ?)`,
    );
    const e = db.prepare(
      `INSERT INTO error_events (group_id, project_id, device_id, location_id, stack_trace, url, environment, severity, context, created_at)
       VALUES (?, ?, ?, ?, 'at f (app.js:1)', 'https://bench.example/', 'production', 'error', '{"k":1}', ?)`,
    );
    const groups: number[] = [];
    for (let i = 0; i < 300; i++) {
      const last = when(now);
      groups.push(
        Number(
          g.run(
            projectId,
            String(i).padStart(64, '0'),
            `failure ${i}`,
            i,
            pick(['error', 'critical', 'warning']),
            pick(['open', 'investigating', 'resolved', 'ignored']),
            70,
            stamp(last - 5 * DAY_MS),
            stamp(last),
          ).lastInsertRowid,
        ),
      );
    }
    for (let i = 0; i < 20_000; i++)
      e.run(
        groups[zipf(groups.length)],
        projectId,
        pick(devices),
        pick(locations),
        stamp(when(now)),
      );
    const a = db.prepare(
      `INSERT INTO audit_logs (project_id, action, actor, ip_hash, context, created_at) VALUES (?, ?, ?, 'h', NULL, ?)`,
    );
    for (let i = 0; i < 10_000; i++)
      a.run(projectId, `action.${zipf(30)}`, `user${zipf(500)}`, stamp(when(now)));
    const link = db.prepare(
      `INSERT INTO tracked_links (project_id, code, destination_url, label, is_active, created_at) VALUES (?, ?, ?, '', 1, ?)`,
    );
    const click = db.prepare(
      `INSERT INTO link_clicks (link_id, project_id, location_id, device_id, referrer_url, referrer_category, ip_hash, created_at)
       VALUES (?, ?, ?, ?, '', 'direct', ?, ?)`,
    );
    const links: number[] = [];
    for (let i = 0; i < 50; i++)
      links.push(
        Number(
          link.run(
            projectId,
            `Bench${String(i).padStart(3, '0')}`,
            'https://bench.example/',
            created,
          ).lastInsertRowid,
        ),
      );
    for (let i = 0; i < 50_000; i++)
      click.run(
        links[zipf(links.length)],
        projectId,
        pick(locations),
        pick(devices),
        `ip${zipf(20_000)}`,
        stamp(when(now)),
      );
  });
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('ANALYZE');
  db.close();
  return { projectId, secret };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  // BENCH_DB=<file> reuses a database seeded (and kept) by an earlier run of the same day.
  const reuse = process.env.BENCH_DB;
  const dir = reuse ? dirname(reuse) : mkdtempSync(join(tmpdir(), 'analytics-bench-'));
  const file = reuse ?? join(dir, 'receiver.sqlite');
  const now = Date.now();
  const seedStart = performance.now();
  const seeded = reuse ? { projectId: 1, secret: 'b'.repeat(64) } : await seed(file, now);
  const { projectId, secret } = seeded;
  if (!reuse) {
    const seconds = ((performance.now() - seedStart) / 1000).toFixed(1);
    console.log(`seeded ${PAGEVIEWS.toLocaleString('en')} pageviews in ${seconds} s`);
  }

  const zone = 'Europe/Paris';
  if (!process.env.BENCH_RAW) {
    process.env.RECEIVER_TIMEZONE = zone;
    const started = performance.now();
    const output = {
      out: (line: string) => console.log(line),
      err: (line: string) => console.error(line),
    };
    // A reused database may predate the rollup tables.
    await runReceiverMigrate({ database: `sqlite:${file}` }, output);
    const code = await runReceiverRebuildRollups({ database: `sqlite:${file}` }, output, {
      ...process.env,
      RECEIVER_TIMEZONE: zone,
    });
    if (code !== 0) throw new Error('rebuild-rollups failed');
    console.log(`rebuild-rollups took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } else {
    console.log('BENCH_RAW: no rollups, answers come from the raw rows');
  }

  @Module({
    imports: [
      ReceiverModule.forRoot({
        database: { type: 'better-sqlite3', database: file },
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
  // No `X-Test-Mode`: that header skips the rate limit, and the goal includes it.
  const headers = { 'X-API-Key': secret };
  const endpoints = [
    'visitors',
    'visitors-returning',
    'sessions',
    'pages',
    'devices',
    'locations',
    'referrers',
    'utm',
    'errors',
    'errors-trend',
    'error-detail?id=1',
    'audits',
    'links',
    'link-detail?code=Bench000',
  ];
  const time = async (path: string): Promise<number> => {
    const start = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/api/analytics/${path}`, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    return performance.now() - start;
  };
  const day = (offset: number) => new Date(now + offset * DAY_MS).toISOString().slice(0, 10);
  const ranges = ['range=30d', `range=custom&from=${day(-20)}&to=${day(-7)}`];
  console.log(
    `\n${'endpoint'.padEnd(30)} ${'range'.padEnd(6)} ${'uncached p50'.padStart(13)} ${'p99'.padStart(9)} ${'cached p50'.padStart(11)} ${'p99'.padStart(8)}`,
  );
  for (const endpoint of endpoints)
    for (const range of ranges) {
      const path = `${endpoint.replace(/(\?|$)/, '.php$1')}${endpoint.includes('?') ? '&' : '?'}${range}`;
      const uncached: number[] = [];
      await time(path); // warm-up (statement preparation, JIT)
      for (let i = 0; i < UNCACHED_RUNS; i++) {
        await cache.invalidateProject(projectId);
        uncached.push(await time(path));
      }
      const cached: number[] = [];
      for (let i = 0; i < CACHED_RUNS; i++) cached.push(await time(path));
      uncached.sort((a, b) => a - b);
      cached.sort((a, b) => a - b);
      console.log(
        `${endpoint.padEnd(30)} ${range.slice(6, 12).padEnd(6)} ${percentile(uncached, 50).toFixed(1).padStart(10)} ms ${percentile(uncached, 99).toFixed(1).padStart(6)} ms ` +
          `${percentile(cached, 50).toFixed(2).padStart(8)} ms ${percentile(cached, 99).toFixed(2).padStart(5)} ms`,
      );
    }
  await app.close();
  // BENCH_KEEP_DB=1 keeps the seeded file for EXPLAIN QUERY PLAN sessions.
  if (process.env.BENCH_KEEP_DB || reuse) console.log(`database kept at ${file}`);
  else rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
