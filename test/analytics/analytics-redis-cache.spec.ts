import { Redis } from 'ioredis';
import { adminHeaders, useReceiverApp } from '../support/receiver-app';
import { describeWithRedis, redisUrl, uniqueRedisPrefix } from '../support/services';
import { FIXTURE_TIMEZONE, seedAnalytics, WINDOW, type Seed } from './analytics-fixtures';

describeWithRedis('analytics cache in Redis (receiver configured with redis)', () => {
  const prefix = uniqueRedisPrefix('analytics');
  const receiver = useReceiverApp({
    adapter: 'fastify',
    engine: 'sqlite',
    options: { timezone: FIXTURE_TIMEZONE, redis: redisUrl(), redisPrefix: prefix },
  });
  let seed: Seed;
  let redis: Redis;
  beforeAll(async () => {
    seed = await seedAnalytics(receiver);
    redis = new Redis(redisUrl() as string);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('stores answers under the contract key with its TTL, shared by every instance', async () => {
    const headers = { 'X-API-Key': seed.project.secretKey, 'X-Test-Mode': 'phpunit' };
    const res = await receiver.http.get(`/api/analytics/errors.php?${WINDOW}`, headers);
    expect(res.status).toBe(200);
    const key = `${prefix}analytics:errors:${seed.project.id}:2026-01-10 00:00:00:2026-01-12 23:59:59::::50`;
    expect(JSON.parse((await redis.get(key)) as string)).toEqual(res.body.data);
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
  });

  it("deletes the project's keys when the project is toggled", async () => {
    await receiver.http.post(
      '/api/projects/toggle.php',
      { id: seed.project.id },
      adminHeaders({ 'X-Test-Mode': 'phpunit' }),
    );
    expect(await redis.keys(`${prefix}analytics:*:${seed.project.id}:*`)).toEqual([]);
  });
});
