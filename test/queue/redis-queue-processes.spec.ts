import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { type ReceiverProcess, startReceiverProcess } from '../support/receiver-process.client';
import { startWorker } from '../support/worker-process';
import {
  createIsolatedDatabase,
  type IsolatedDatabase,
  postgresUrl,
  redisUrl,
} from '../support/services';
import { CHROME_UA } from '../tracking/tracking-fixtures';

const KINDS = ['pageview', 'audit', 'error'] as const;
type Kind = (typeof KINDS)[number];

/** A private Redis with AOF fsync always, on its own port: this suite kills it, never the shared one. */
function startPrivateRedis(dir: string, port: number): ChildProcess {
  return spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--save',
      '',
    ],
    { stdio: 'ignore' },
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// 2 receivers + 2 workers on PostgreSQL + a private Redis: SIGKILL one worker and one receiver
// under mixed load; every 202 must be stored exactly once.
(postgresUrl() && redisUrl() ? describe : describe.skip)('Redis queue across processes', () => {
  let dir: string;
  let database: IsolatedDatabase;
  let redisServer: ChildProcess;
  const children: ChildProcess[] = [];
  const port = 16_400 + Math.floor(Math.random() * 1000);
  const redisAt = `redis://127.0.0.1:${port}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'redisq-'));
    redisServer = startPrivateRedis(dir, port);
    database = await createIsolatedDatabase('postgres');
  });

  afterAll(async () => {
    for (const child of [...children, redisServer])
      if (child.exitCode === null) child.kill('SIGKILL');
    await sleep(300);
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every acknowledged event exactly once after kill -9 of a worker and a receiver', async () => {
    const url = (database.options as { url: string }).url;
    const env = {
      RECEIVER_REDIS_URL: redisAt,
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
    const { secretKey, publicKey } = a.info;
    const acked: Record<Kind, string[]> = { pageview: [], audit: [], error: [] };
    let stop = false;
    const load = async (w: number) => {
      for (let n = 0; !stop; n++) {
        const kind = KINDS[n % 3];
        const target = (w + n) % 2 === 0 ? a : b;
        const id = `w${w}-n${n}`;
        const body =
          kind === 'pageview'
            ? { url: `https://shop.example.com/${id}`, visitor_id: `v${w}`, session_token: `s${w}` }
            : kind === 'audit'
              ? { action: id, actor: 'load' }
              : { message: id, error_type: 'Error' };
        try {
          const res = await fetch(`${target.info.url}/api/track/${kind}.php`, {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              'X-API-Key': kind === 'pageview' ? publicKey : secretKey,
              'X-Test-Mode': 'phpunit',
              'User-Agent': CHROME_UA,
              Accept: '*/*',
              'Accept-Language': 'en',
            },
            body: JSON.stringify(body),
          });
          if (res.status === 202) acked[kind].push(id);
        } catch {
          await sleep(20); // receiver A is dead: this request was never acknowledged
        }
      }
    };
    const total = () => KINDS.reduce((n, k) => n + acked[k].length, 0);
    const loops = Array.from({ length: 12 }, (_, w) => load(w));
    while (total() < 600) await sleep(20);
    workers[0].kill('SIGKILL'); // mid-batch: its unacknowledged events must be taken over
    while (total() < 1200) await sleep(20);
    a.child.kill('SIGKILL');
    while (total() < 1800) await sleep(20);
    stop = true;
    await Promise.all(loops);

    // The surviving worker drains everything, the dead worker's pending entries included.
    const redis = new Redis(redisAt);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const lengths = await Promise.all(KINDS.map((k) => redis.xlen(`ingest:${k}`)));
      if (lengths.every((n) => n === 0)) break;
      if (Date.now() > deadline) throw new Error(`streams not drained: ${lengths.join(',')}`);
      await sleep(250);
    }
    expect(await Promise.all(KINDS.map((k) => redis.xlen(`ingest:${k}:dead`)))).toEqual([0, 0, 0]);
    redis.disconnect();

    const pg = new Client({ connectionString: url });
    await pg.connect();
    try {
      const stored = async (sql: string) => {
        const counts = new Map<string, number>();
        for (const row of (await pg.query(sql)).rows as { id: string }[])
          counts.set(row.id, (counts.get(row.id) ?? 0) + 1);
        return counts;
      };
      const pages = await stored(`SELECT substr(url, 26) AS id FROM pageviews`);
      const audits = await stored(`SELECT action AS id FROM audit_logs`);
      const errors = await stored(
        `SELECT g.message AS id FROM error_events e JOIN error_groups g ON g.id = e.group_id`,
      );
      for (const [kind, rows] of [
        ['pageview', pages],
        ['audit', audits],
        ['error', errors],
      ] as const) {
        expect(acked[kind].filter((id) => rows.get(id) !== 1)).toEqual([]);
        expect([...rows.values()].filter((n) => n > 1)).toEqual([]);
      }
    } finally {
      await pg.end();
    }
  }, 240_000);
});
