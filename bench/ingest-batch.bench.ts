/**
 * `npm run bench -- ingest-batch`: the write side of the inline queue alone, in process: batches
 * of 1, 10 and 50 realistic pageviews (2,000 visitors, unique URLs) written by the
 * IngestBatchProcessor to SQLite, with no HTTP in front. Prints CPU per batch and per event — the
 * fixed cost of a batch is what small batches (few connections) pay per request — and the time
 * spent in each SQL statement, so "where the time goes" on the database side is measured, not
 * guessed; and the bytes written to disk per batch (WAL frames and checkpoints): the pages a
 * batch dirtied. CPU time moves little with other load on the machine; wall times do.
 * `BENCH_SQLITE_WRITER=thread` measures the writer thread instead of writes on the event loop
 * (the CPU then counts both threads; statement times are taken on the event loop only).
 */
import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { ProjectEntity, ReceiverModule } from '../receiver';
import { IngestBatchProcessor } from '../receiver/ingest';
import { newEventId } from '../receiver/ingest/event-id';
import type { IngestJob } from '../receiver/ingest/interfaces/ingest.interfaces';
import { RECEIVER_DATA_SOURCE } from '../receiver/storage/storage.constants';
import type { PageviewJob } from '../receiver/tracking/interfaces/tracking-jobs.interface';

const SIZES = [1, 10, 50];
const EVENTS_PER_SIZE = 1_500;
const VISITORS = 2_000;
/**
 * Then the same batches on a busy day: the day already holds this many visitors (a site with a
 * million pageviews a month), each batch bringing new ones, as a site's day fills up.
 */
const BUSY_DAY_VISITORS = Number(process.env.BENCH_BUSY_DAY_VISITORS ?? 50_000);
const WRITER = process.env.BENCH_SQLITE_WRITER === 'thread' ? 'thread' : 'event-loop';

interface Statement {
  run(...args: unknown[]): unknown;
  all(...args: unknown[]): unknown;
  get(...args: unknown[]): unknown;
}

/** Times every statement the connection prepares from now on, by SQL text (value lists folded). */
function timeStatements(dataSource: DataSource): Map<string, { count: number; ms: number }> {
  const times = new Map<string, { count: number; ms: number }>();
  const db = (
    dataSource.driver as unknown as { databaseConnection: { prepare(sql: string): Statement } }
  ).databaseConnection;
  const prepare = db.prepare.bind(db);
  db.prepare = (sql: string) => {
    const statement = prepare(sql);
    const key = sql
      .replace(/\((\?, ?)*\?\)(, ?\((\?, ?)*\?\))*/g, '(…)')
      .replace(/(\?, ?)+\?/g, '…')
      .slice(0, 90);
    for (const method of ['run', 'all', 'get'] as const) {
      const original = statement[method].bind(statement);
      statement[method] = (...args: unknown[]) => {
        const started = performance.now();
        try {
          return original(...args);
        } finally {
          const entry = times.get(key) ?? { count: 0, ms: 0 };
          entry.count++;
          entry.ms += performance.now() - started;
          times.set(key, entry);
        }
      };
    }
    return statement;
  };
  return times;
}

/**
 * Bytes this process has written to storage (`write_bytes` of /proc, every thread): the WAL
 * frames of its commits and the checkpoints' copies of them, i.e. the pages its batches dirtied.
 */
function storageBytes(): number {
  return Number(/write_bytes: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? 0);
}

/** CPU µs the main thread (the event loop) has used: /proc, since Node 20 has no threadCpuUsage. */
function eventLoopCpu(): number {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
    .split(') ')[1]
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ingest-batch-bench-'));
  @Module({
    imports: [
      ReceiverModule.forRoot({
        database: { type: 'better-sqlite3', database: join(dir, 'receiver.sqlite') },
        adminKey: 'bench-admin-key',
        ipHashSalt: 'bench-salt',
        production: false,
        sqliteWriter: WRITER,
      }),
    ],
  })
  class BenchModule {}
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error'] });
  await app.init();
  try {
    const dataSource = app.get<DataSource>(RECEIVER_DATA_SOURCE);
    const project = await dataSource.getRepository(ProjectEntity).save({
      name: 'bench',
      secret_key: 'b'.repeat(64),
      public_key: 'b'.repeat(32),
      allowed_domains: 'shop.example.com',
      is_active: true,
      signing_secret: null,
      token_policy: 'auto',
      created_at: new Date(),
      updated_at: new Date(),
    });
    const processor = app.get(IngestBatchProcessor);
    let n = 0;
    /** Visitor of the n-th pageview: one of VISITORS, or a new one each time (the busy day). */
    let visitorOf = (i: number): number => (i * 7) % VISITORS;
    const pageview = (): IngestJob<PageviewJob> => {
      n++;
      const visitor = String(visitorOf(n)).padStart(12, '0');
      return {
        id: newEventId(),
        kind: 'pageview',
        payload: {
          projectId: project.id,
          receivedAt: Date.now(),
          url: `https://shop.example.com/products/${n % 5}?n=${n}`,
          pageTitle: 'Example shop - a realistic page title',
          referrer: n % 2 ? 'https://www.google.com/' : '',
          referrerCategory: n % 2 ? 'organic_search' : 'direct',
          visitorHash: `visitor-${visitor}`,
          fingerprintHash: `fingerprint-${visitor}`,
          sessionToken: `0b1c2d3e-4f50-4617-8293-${visitor}`,
          screenResolution: '1920x1080',
          timezone: 'Europe/London',
          utm: { utm_source: '', utm_medium: '', utm_campaign: '', utm_content: '', utm_term: '' },
          device: {
            deviceType: 'desktop',
            os: 'Windows',
            browser: 'Chrome',
            browserVersion: '124.0',
          } as PageviewJob['device'],
          geo: { country: 'United Kingdom', countryCode: 'GB', region: 'England', city: 'London' },
        },
      };
    };
    const write = async (size: number, batches: number) => {
      const cpu = process.cpuUsage();
      const loopCpu = eventLoopCpu();
      const started = performance.now();
      const written = storageBytes();
      for (let b = 0; b < batches; b++) {
        const results = await processor.process(Array.from({ length: size }, pageview));
        const failure = results.find(Boolean);
        if (failure) throw failure;
      }
      const used = process.cpuUsage(cpu);
      return {
        cpu: (used.user + used.system) / batches,
        wall: ((performance.now() - started) * 1000) / batches,
        loop: (eventLoopCpu() - loopCpu) / batches,
        kib: (storageBytes() - written) / 1024 / batches,
      };
    };
    await write(20, 150); // warm up: JIT, statement cache, visitors and sessions exist
    const statements = timeStatements(dataSource);
    console.log(
      `IngestBatchProcessor → SQLite (writes: ${WRITER}), pageviews, ` +
        `${EVENTS_PER_SIZE} events per batch size`,
    );
    const measure = async (day: string) => {
      const cpuPerBatch = new Map<number, number>();
      const kibPerBatch = new Map<number, number>();
      for (const size of SIZES) {
        const { cpu: perBatch, wall, loop, kib } = await write(size, EVENTS_PER_SIZE / size);
        cpuPerBatch.set(size, perBatch);
        kibPerBatch.set(size, kib);
        console.log(
          `batch of ${String(size).padStart(2)}: CPU ${Math.round(perBatch)} µs per batch, ` +
            `${Math.round(perBatch / size)} µs per event (event loop ${Math.round(loop / size)}); ` +
            `wall ${Math.round(wall)} µs per batch; ` +
            `${kib.toFixed(1)} KiB written per batch, ${(kib / size).toFixed(1)} per event`,
        );
      }
      const fixed = (cpuPerBatch.get(1)! * 50 - cpuPerBatch.get(50)!) / 49;
      console.log(
        `» ingest batch (SQLite, writes: ${WRITER}, ${day}): fixed cost ${Math.round(fixed)} µs per batch, ` +
          `${Math.round((cpuPerBatch.get(50)! - fixed) / 50)} µs per pageview; ` +
          `batch of 10: ${Math.round(cpuPerBatch.get(10)! / 10)} µs and ` +
          `${(kibPerBatch.get(10)! / 10).toFixed(1)} KiB written per pageview`,
      );
    };
    await measure(`${VISITORS} visitors`);
    // The busy day: fill it with new visitors in large batches, then measure with new ones.
    const first = n;
    visitorOf = (i) => VISITORS + i - first;
    await write(500, BUSY_DAY_VISITORS / 500);
    console.log(
      `\nthe same day once it holds ${BUSY_DAY_VISITORS} more visitors, new ones arriving`,
    );
    await measure(`day of ${BUSY_DAY_VISITORS} visitors`);
    if (WRITER === 'thread') return;
    const total = [...statements.values()].reduce((sum, s) => sum + s.ms, 0);
    console.log(`\ntime in SQL statements (all sizes): ${total.toFixed(0)} ms`);
    for (const [sql, { count, ms }] of [...statements].sort((a, b) => b[1].ms - a[1].ms)) {
      console.log(`${ms.toFixed(0).padStart(6)} ms ${String(count).padStart(5)}×  ${sql}`);
    }
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
