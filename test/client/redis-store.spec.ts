import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import Redis from 'ioredis';
import { Telemetry } from '../../lib';
import { RedisTelemetryStore } from '../../lib/outbox/stores/redis.store';
import { describeWithRedis, redisUrl } from '../support/services';
import { TestTelemetryReceiver, waitFor } from '../support/telemetry-test-receiver';
import { startTelemetryApp } from './fixtures/telemetry-app.fixture';

describeWithRedis('Redis outbox shared by replicas of one host', () => {
  const host = `replica-test-${randomBytes(4).toString('hex')}`;
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(redisUrl()!);
  });

  afterAll(async () => {
    const keys = await redis.keys(`telemetry:${host}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('keeps order, bound and locks like the other stores', async () => {
    const store = new RedisTelemetryStore(redis.duplicate(), `telemetry:${host}-unit:`, 3);
    const at = new Date().toISOString();
    const dropped = await store.append(
      [1, 2, 3, 4].map((value) => ({ key: 'k', value, collectedAt: at, host })),
    );
    expect(dropped).toBe(1);
    const pending = await store.pending(10);
    expect(pending.map((e) => e.value)).toEqual([2, 3, 4]);
    await store.acknowledge([pending[0].id]);
    expect(await store.size()).toBe(2);
    await store.setValues({ a: { nested: true }, b: 'x' });
    expect(await store.getValue('a')).toEqual({ nested: true });
    const lock = await store.acquireLock('report', 10_000);
    expect(await store.acquireLock('report', 10_000)).toBeUndefined();
    await lock!.release();
    expect(await store.acquireLock('report', 10_000)).toBeDefined();
    await store.close();
  });

  it('collects each key once per interval across two instances and sends every value exactly once', async () => {
    const collections: Array<{ replica: string; at: number; value: string }> = [];
    const makeCollector = (replica: string) => {
      @Injectable()
      class QueueDepth {
        private n = 0;
        @Telemetry({ key: 'queue_depth', interval: 1 })
        depth(): string {
          const value = `${replica}-${++this.n}`;
          collections.push({ replica, at: Date.now(), value });
          return value;
        }
      }
      return QueueDepth;
    };
    const receiver = await TestTelemetryReceiver.create();
    const options = { store: redisUrl()!, host, serverUrl: receiver.url, reportInterval: 1 };
    const apps: TestingModule[] = [
      await startTelemetryApp([makeCollector('a')], options),
      await startTelemetryApp([makeCollector('b')], options),
    ];
    const started = Date.now();
    await waitFor(() => collections.length >= 5, 'five collections');
    const elapsedSeconds = (Date.now() - started) / 1000;
    await Promise.all(apps.map((app) => app.close()));
    await waitFor(() => receiver.dataReceived.length >= 1, 'reports');
    // The closes above flushed the backlog; what the receiver holds is final.
    await receiver.stop();

    // Two replicas with 1-second timers would give ~2 per second without the shared lease.
    expect(collections.length).toBeLessThanOrEqual(Math.ceil(elapsedSeconds / 0.9) + 2);
    const times = collections.map((c) => c.at).sort((x, y) => x - y);
    for (let i = 1; i < times.length; i++)
      expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(850);

    const sent = receiver.dataReceived.map((data) => data.queue_depth as string);
    expect(new Set(sent).size).toBe(sent.length);
    expect(sent.sort()).toEqual(collections.map((c) => c.value).sort());
  });
});
