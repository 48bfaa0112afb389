import type {
  AnalyticsCacheStore,
  IngestBatchWriter,
  IngestJob,
  IngestQueue,
  IngestQueueHealth,
  RateLimitOutcome,
  RateLimitStorage,
} from '../../receiver';
import { newEventId } from '../../receiver';
import { resolveReceiverOptions } from '../../receiver/config/receiver-options.resolver';
import { PageviewEntity } from '../../receiver/storage/entities';
import { describeReceiver, TEST_ADMIN_KEY, useReceiverApp } from '../support/receiver-app';
import {
  browserHeaders,
  createProject,
  dataSourceOf,
  pageviewBody,
  testHeaders,
} from '../tracking/tracking-fixtures';

/** Counts per key and refuses a key once it reached the limit: the host's own rules. */
class RecordingRateLimitStorage implements RateLimitStorage {
  readonly hits: string[] = [];
  async hit(key: string): Promise<RateLimitOutcome> {
    this.hits.push(key);
    return this.hits.filter((k) => k === key).length > 2 ? 'blocked' : 'allowed';
  }
}

class RecordingCacheStore implements AnalyticsCacheStore {
  readonly entries = new Map<string, string>();
  readonly reads: string[] = [];
  async get(key: string): Promise<string | undefined> {
    this.reads.push(key);
    return this.entries.get(key);
  }
  async set(key: string, value: string): Promise<void> {
    this.entries.set(key, value);
  }
  async deleteMatching(pattern: string): Promise<void> {
    const re = new RegExp(`^${pattern.split('*').map(escape).join('.*')}$`);
    for (const key of [...this.entries.keys()]) if (re.test(key)) this.entries.delete(key);
  }
}
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Writes each job at once through the receiver's writer, remembering what went through it. */
class RecordingQueue implements IngestQueue {
  readonly name = 'recording';
  readonly jobs: IngestJob[] = [];
  constructor(private readonly writer: IngestBatchWriter) {}
  async enqueue<P>(kind: string, payload: P): Promise<void> {
    const job = { id: newEventId(), kind, payload };
    this.jobs.push(job);
    const [error] = await this.writer.process([job]);
    if (error) throw error;
  }
  health(): IngestQueueHealth {
    return { status: 'ok', message: `${this.jobs.length} written`, pending: 0 };
  }
  async drain(): Promise<void> {}
}

describeReceiver('stores plugged through ReceiverModule options', ({ adapter, engine }) => {
  const rateLimit = new RecordingRateLimitStorage();
  const cache = new RecordingCacheStore();
  let queue: RecordingQueue | undefined;
  const receiver = useReceiverApp({
    adapter,
    engine,
    options: {
      rateLimit: { storage: rateLimit },
      analyticsCache: { store: cache },
      ingest: { queue: (writer) => (queue = new RecordingQueue(writer)) },
    },
  });

  it('counts requests in the plugged rate-limit storage and answers 429 when it says blocked', async () => {
    const project = await createProject(receiver.app);
    const send = () =>
      receiver.http.post(
        '/api/track/pageview.php',
        pageviewBody(),
        browserHeaders(project.publicKey),
      );
    expect((await send()).status).toBe(202);
    expect((await send()).status).toBe(202);
    const third = await send();
    expect(third.status).toBe(429);
    expect(third.body).toEqual({ error: 'Too many attempts. Try again later.' });
    expect(rateLimit.hits.length).toBe(3);
  });

  it('writes accepted events through the plugged queue, and health names it', async () => {
    const project = await createProject(receiver.app);
    const visitor = `v-plugged-${engine}`;
    const res = await receiver.http.post(
      '/api/track/pageview.php',
      pageviewBody({ visitor_id: visitor }),
      testHeaders(project.publicKey),
    );
    expect(res.status).toBe(202);
    expect(queue?.jobs.map((j) => j.kind)).toContain('pageview');
    const stored = await dataSourceOf(receiver.app)
      .getRepository(PageviewEntity)
      .countBy({ project_id: project.id });
    expect(stored).toBe(1);
    const health = await receiver.http.get('/api/health.php');
    expect(health.body.checks.queue).toMatchObject({ status: 'ok', driver: 'recording' });
  });

  it('caches analytics answers in the plugged store', async () => {
    const project = await createProject(receiver.app);
    const headers = { 'X-API-Key': project.secretKey, 'X-Test-Mode': 'phpunit' };
    const first = await receiver.http.get('/api/analytics/visitors.php?range=7d', headers);
    expect(first.status).toBe(200);
    const keys = [...cache.entries.keys()].filter((k) =>
      k.startsWith(`analytics:visitors:${project.id}:`),
    );
    expect(keys).toHaveLength(1);
    // A second read is answered from the store: change the stored answer and see it come back.
    const stored = JSON.parse(cache.entries.get(keys[0])!);
    cache.entries.set(keys[0], JSON.stringify({ ...stored, marker: 'from-plugged-store' }));
    const second = await receiver.http.get('/api/analytics/visitors.php?range=7d', headers);
    expect(second.status).toBe(200);
    expect(second.text).toContain('from-plugged-store');
  });
});

describe('plugged stores are checked at start', () => {
  const base = { adminKey: TEST_ADMIN_KEY, ipHashSalt: 'salt' };
  it.each([
    ['rateLimit.storage', { rateLimit: { storage: {} } }, 'a RateLimitStorage'],
    [
      'analyticsCache.store',
      { analyticsCache: { store: { get: () => undefined } } },
      'an AnalyticsCacheStore',
    ],
    ['ingest.queue', { ingest: { queue: { enqueue: () => undefined } } }, 'IngestQueue'],
  ])('a %s without the methods the receiver calls refuses to start', (option, given, expected) => {
    expect(() => resolveReceiverOptions({ ...base, ...(given as object) }, {})).toThrow(
      new RegExp(`"${option.replace('.', '\\.')}".*${expected}`),
    );
  });
});
