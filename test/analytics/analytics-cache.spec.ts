import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import {
  ANALYTICS_CACHE_STORE,
  AnalyticsCache,
  AnalyticsCacheKeys,
  AnalyticsCacheModule,
  MemoryAnalyticsCacheStore,
  RedisAnalyticsCacheStore,
  type AnalyticsCacheStore,
} from '../../receiver/cache';
import { describeWithRedis, redisUrl, uniqueRedisPrefix } from '../support/services';

const range = { from: '2026-01-01 00:00:00', to: '2026-01-31 23:59:59' };
const other = { from: '2026-02-01 00:00:00', to: '2026-02-28 23:59:59' };

/** Fills a cache with one answer per key and tells which keys still hit afterwards. */
async function seed(cache: AnalyticsCache, keys: string[]): Promise<void> {
  for (const key of keys) await cache.remember(key, 300, async () => ({ key }));
}
async function stillCached(cache: AnalyticsCache, keys: string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const key of keys) {
    let computed = false;
    await cache.remember(key, 300, async () => {
      computed = true;
      return { key };
    });
    if (!computed) hits.push(key);
  }
  return hits;
}

function keysOf(projectId: number): Record<string, string> {
  return {
    visitors: AnalyticsCacheKeys.plain('visitors', projectId, range),
    pages: AnalyticsCacheKeys.pages(projectId, range, 20),
    errors: AnalyticsCacheKeys.errors(
      projectId,
      range,
      { status: 'open', severity: '', environment: '' },
      50,
    ),
    trend: AnalyticsCacheKeys.errorsTrend(projectId, range, null),
    detail7: AnalyticsCacheKeys.errorDetail(projectId, 7, range),
    detail8: AnalyticsCacheKeys.errorDetail(projectId, 8, range),
    linkA: AnalyticsCacheKeys.linkDetail(projectId, 'AbCd1234', range),
    linkA2: AnalyticsCacheKeys.linkDetail(projectId, 'AbCd1234', other),
    linkB: AnalyticsCacheKeys.linkDetail(projectId, 'Zz99Yy88', range),
  };
}

function invalidationSuite(makeStore: () => Promise<AnalyticsCacheStore>): void {
  let cache: AnalyticsCache;
  const p1 = keysOf(1);
  const p11 = keysOf(11);
  const all = [...Object.values(p1), ...Object.values(p11)];

  beforeEach(async () => {
    cache = new AnalyticsCache(await makeStore());
    await seed(cache, all);
  });

  it('serves the second identical request from the cache without computing again', async () => {
    expect(await stillCached(cache, all)).toEqual(all);
  });

  it('project toggle/delete drops every answer of that project and none of project 11', async () => {
    await cache.invalidateProject(1);
    expect(await stillCached(cache, all)).toEqual(Object.values(p11));
  });

  it('a stored error event drops errors and errors-trend of its project but keeps error-detail', async () => {
    await cache.invalidateErrors(1);
    const hits = await stillCached(cache, all);
    expect(hits).not.toContain(p1.errors);
    expect(hits).not.toContain(p1.trend);
    expect(hits).toEqual(expect.arrayContaining([p1.detail7, p1.detail8, p1.visitors]));
    expect(hits).toEqual(expect.arrayContaining(Object.values(p11)));
  });

  it('an error status update drops the detail of the updated groups only, plus the error lists', async () => {
    await cache.invalidateErrorGroups(1, [7]);
    const hits = await stillCached(cache, all);
    expect(hits).not.toEqual(expect.arrayContaining([p1.detail7]));
    expect(hits).toEqual(expect.arrayContaining([p1.detail8, p1.pages, p11.detail7]));
    expect(hits).not.toContain(p1.errors);
  });

  it('a link edit drops that link detail for every range and nothing else', async () => {
    await cache.invalidateLinkDetail(1, 'AbCd1234');
    const hits = await stillCached(cache, all);
    expect(all.filter((k) => !hits.includes(k))).toEqual([p1.linkA, p1.linkA2]);
  });
}

describe('AnalyticsCache keys', () => {
  it('include limit in pages, errors and audits keys so one limit never answers another', () => {
    expect(AnalyticsCacheKeys.pages(3, range, 5)).toBe(
      'analytics:pages:3:2026-01-01 00:00:00:2026-01-31 23:59:59:5',
    );
    const filters = { status: '', severity: 'critical', environment: '' };
    expect(AnalyticsCacheKeys.errors(3, range, filters, 10)).toBe(
      'analytics:errors:3:2026-01-01 00:00:00:2026-01-31 23:59:59::critical::10',
    );
    expect(AnalyticsCacheKeys.audits(3, range, 'login', 'bob', 50)).toBe(
      // md5("login|bob")
      'analytics:audits:3:2026-01-01 00:00:00:2026-01-31 23:59:59:15f1d8bc1a1d34c115e536f08a8b191e:50',
    );
  });

  it('name visitors-returning "returning" and an unfiltered trend "all"', () => {
    expect(AnalyticsCacheKeys.plain('returning', 2, range)).toMatch(/^analytics:returning:2:/);
    expect(AnalyticsCacheKeys.errorsTrend(2, range, null)).toMatch(/:all$/);
    expect(AnalyticsCacheKeys.errorsTrend(2, range, 9)).toMatch(/:9$/);
  });
});

describe('AnalyticsCache with the in-memory store', () => {
  invalidationSuite(async () => new MemoryAnalyticsCacheStore(1000));

  it('expires an entry after its TTL', async () => {
    let now = 1_000;
    const cache = new AnalyticsCache(new MemoryAnalyticsCacheStore(10, { now: () => now }));
    let computed = 0;
    const compute = async () => ++computed;
    expect(await cache.remember('k', 120, compute)).toBe(1);
    now += 119_000;
    expect(await cache.remember('k', 120, compute)).toBe(1);
    now += 2_000;
    expect(await cache.remember('k', 120, compute)).toBe(2);
  });

  it('stays bounded: the least recently used entry is evicted first', async () => {
    const store = new MemoryAnalyticsCacheStore(2);
    const cache = new AnalyticsCache(store);
    await seed(cache, ['a', 'b']);
    await stillCached(cache, ['a']);
    await seed(cache, ['c']);
    expect(store.size).toBe(2);
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBeDefined();
  });

  it('answers from the computation when the store fails (fail-open)', async () => {
    const broken: AnalyticsCacheStore = {
      get: async () => {
        throw new Error('down');
      },
      set: async () => {
        throw new Error('down');
      },
      deleteMatching: async () => {
        throw new Error('down');
      },
    };
    const cache = new AnalyticsCache(broken);
    await expect(cache.remember('k', 60, async () => ({ n: 1 }))).resolves.toEqual({ n: 1 });
    await expect(cache.invalidateProject(1)).resolves.toBeUndefined();
  });
});

describe('AnalyticsCacheModule', () => {
  it('provides the in-memory store when no Redis is configured', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AnalyticsCacheModule.forRoot({ maxEntries: 10 })],
    }).compile();
    expect(moduleRef.get(ANALYTICS_CACHE_STORE)).toBeInstanceOf(MemoryAnalyticsCacheStore);
    await moduleRef.close();
  });

  it('rejects a non-positive maxEntries at start-up', async () => {
    await expect(
      Test.createTestingModule({
        imports: [AnalyticsCacheModule.forRoot({ maxEntries: 0 })],
      }).compile(),
    ).rejects.toThrow('maxEntries');
  });

  it('answers from the database when the configured Redis does not answer', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AnalyticsCacheModule.forRoot({ redis: 'redis://127.0.0.1:1' })],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    const cache = app.get(AnalyticsCache);
    await expect(cache.remember('k', 60, async () => 'fresh')).resolves.toBe('fresh');
    await app.close();
  });
});

describeWithRedis('AnalyticsCache with the Redis store', () => {
  let redis: Redis;
  const prefix = uniqueRedisPrefix('analytics-cache');

  beforeAll(() => {
    redis = new Redis(redisUrl() as string);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  invalidationSuite(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    return new RedisAnalyticsCacheStore(redis, prefix);
  });

  it('stores answers with the contract TTL', async () => {
    const cache = new AnalyticsCache(new RedisAnalyticsCacheStore(redis, prefix));
    await cache.remember('ttl-check', 120, async () => 1);
    const ttl = await redis.ttl(`${prefix}ttl-check`);
    expect(ttl).toBeGreaterThan(110);
    expect(ttl).toBeLessThanOrEqual(120);
  });

  it('is shared through the module when a Redis URL is configured', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AnalyticsCacheModule.forRoot({ redis: redisUrl(), keyPrefix: prefix })],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    await app.get(AnalyticsCache).remember('shared', 60, async () => ({ v: 'x' }));
    expect(await redis.get(`${prefix}shared`)).toBe('{"v":"x"}');
    await app.close();
  });
});
