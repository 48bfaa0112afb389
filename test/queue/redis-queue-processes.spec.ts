import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { type PrivateRedis, startPrivateRedis } from '../support/private-services';
import { type ReceiverProcess, startReceiverProcess } from '../support/receiver-process.client';
import { startWorker } from '../support/worker-process';
import {
  createIsolatedDatabase,
  type IsolatedDatabase,
  postgresUrl,
  redisUrl,
} from '../support/services';
import {
  hostOf,
  JOB_KIND,
  type Kind,
  KINDS,
  prepareLoad,
  reportCounts,
  requestFor,
  storedIds,
} from './mixed-load-fixtures';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Concurrent load loops; each reports telemetry as its own host. */
const LOOPS = 12;

const byKind = <T>(make: () => T): Record<Kind, T> =>
  Object.fromEntries(KINDS.map((kind) => [kind, make()])) as Record<Kind, T>;

// 2 receivers + 2 workers on PostgreSQL + a private AOF Redis, under mixed load (pageviews,
// audits, errors, link clicks, telemetry reports): SIGKILL one worker and one receiver; every
// acknowledged event must be stored exactly once.
//
// What acknowledges an event: 202 for tracking, 200 for a telemetry report (both sent only once
// the queue holds the event: Redis replied to XADD, fsynced by `appendfsync always`), and the
// 302 of a redirect. The redirect service also waits for the queue before answering, but a
// click the queue refuses is logged and the visitor redirected anyway (contract 2.4: the
// redirect is always answered); so a 302 means "kept" only when no receiver logged a refused
// click — which the test checks, Redis being up and the backlog far below its limit throughout.
(postgresUrl() && redisUrl() ? describe : describe.skip)('Redis queue across processes', () => {
  let database: IsolatedDatabase;
  let redisServer: PrivateRedis;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    // A private Redis (its port from free-port.ts): this suite kills processes, never shared ones.
    redisServer = await startPrivateRedis();
    database = await createIsolatedDatabase('postgres');
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await sleep(300);
    await redisServer?.close();
    await database?.drop();
  });

  it('stores every acknowledged event of every kind exactly once after kill -9 of a worker and a receiver', async () => {
    const url = (database.options as { url: string }).url;
    const env = {
      RECEIVER_REDIS_URL: redisServer.url,
      RECEIVER_QUEUE: 'redis',
      RECEIVER_QUEUE_WORKERS: 'false',
      RECEIVER_QUEUE_CLAIM_IDLE_MS: '3000',
      RECEIVER_ADMIN_KEY: 'process-admin-key',
      RECEIVER_IP_HASH_SALT: 'process-salt',
      RECEIVER_DATABASE_URL: url,
      RECEIVER_PRODUCTION: 'false',
    };
    const a: ReceiverProcess = await startReceiverProcess(url, env);
    const b: ReceiverProcess = await startReceiverProcess(url, env);
    children.push(a.child, b.child);
    const workers = [startWorker(env), startWorker(env)];
    children.push(...workers);
    const setup = await prepareLoad(a.info, LOOPS);

    // Per kind, the ids of events acknowledged, and of events whose request got no answer (in
    // flight to receiver A when it died: kept or not, both are right).
    const acked = byKind<string[]>(() => []);
    const unanswered = byKind<string[]>(() => []);
    const refused: string[] = [];
    let answered = 0;
    let stop = false;
    const load = async (w: number) => {
      for (let n = 0; !stop; n++) {
        const kind = KINDS[n % KINDS.length];
        const target = (w + n) % 2 === 0 ? a : b;
        const request = requestFor(kind, `w${w}-n${n}`, w, setup);
        let res: Response;
        let body: string;
        try {
          res = await fetch(target.info.url + request.path, request.init);
          body = await res.text();
        } catch {
          unanswered[kind].push(...request.ids);
          await sleep(20); // receiver A is dead
          continue;
        }
        answered++;
        const ids = request.acknowledged(res, body);
        acked[kind].push(...ids);
        const kept = new Set(ids);
        for (const id of request.ids)
          if (!kept.has(id)) refused.push(`${kind} ${id}: ${res.status}`);
      }
    };
    const loops = Array.from({ length: LOOPS }, (_, w) => load(w));
    while (answered < 750) await sleep(20);
    workers[0].kill('SIGKILL'); // mid-batch: its unacknowledged events must be taken over
    while (answered < 1500) await sleep(20);
    a.child.kill('SIGKILL');
    while (answered < 2250) await sleep(20);
    stop = true;
    await Promise.all(loops);

    // Both receivers had Redis and the database throughout: every answer was an acknowledgement,
    // and no click was redirected without being queued.
    expect(refused).toEqual([]);
    for (const receiver of [a, b]) expect(receiver.output()).not.toMatch(/could not be queued/);

    // The surviving worker drains everything, the dead worker's pending entries included.
    const redis = new Redis(redisServer.url);
    const streams = KINDS.map((kind) => `ingest:${JOB_KIND[kind]}`);
    // The streams are the workers' (their consumer groups made them): the names are right.
    expect(await Promise.all(streams.map((stream) => redis.exists(stream)))).toEqual(
      KINDS.map(() => 1),
    );
    const deadline = Date.now() + 60_000;
    for (;;) {
      const lengths = await Promise.all(streams.map((stream) => redis.xlen(stream)));
      if (lengths.every((n) => n === 0)) break;
      if (Date.now() > deadline) throw new Error(`streams not drained: ${lengths.join(',')}`);
      await sleep(250);
    }
    expect(await Promise.all(streams.map((stream) => redis.xlen(`${stream}:dead`)))).toEqual(
      KINDS.map(() => 0),
    );
    redis.disconnect();

    const pg = new Client({ connectionString: url });
    await pg.connect();
    try {
      const stored = await storedIds(pg);
      for (const kind of KINDS) {
        const rows = stored[kind];
        const lost = new Set(unanswered[kind]);
        // No duplicates: no id is held by two rows.
        expect([...rows].filter(([, n]) => n > 1)).toEqual([]);
        // No loss, nothing invented: apart from requests that got no answer, the stored ids are
        // exactly the acknowledged ones.
        const answeredAndStored = [...rows.keys()].filter((id) => !lost.has(id)).sort();
        expect({ kind, ids: answeredAndStored }).toEqual({ kind, ids: [...acked[kind]].sort() });
      }
      // A redelivered report is not counted twice on its host either.
      const counts = await reportCounts(pg);
      expect(counts.map((c) => c.host)).toEqual(
        Array.from({ length: LOOPS }, (_, w) => hostOf(w)).sort(),
      );
      expect(counts.filter((c) => c.counted !== c.stored)).toEqual([]);
    } finally {
      await pg.end();
    }
  }, 300_000);
});
