import { randomBytes } from 'node:crypto';
import { TestingModule } from '@nestjs/testing';
import Redis from 'ioredis';
import { FeatureFlagsService, FeatureFlagsSynchronizer } from '../../lib';
import { TelemetryHttpClient } from '../../lib/transport/telemetry-http.client';
import { RecordingServer } from '../support/recording-server';
import { describeWithRedis, redisUrl } from '../support/services';
import { bootClient } from '../client-flags/flags-fixture';
import { samplePayload } from './security-fixture';

describeWithRedis('token and flags shared by replicas through the Redis store', () => {
  const server = new RecordingServer();
  const host = `shared-token-${randomBytes(4).toString('hex')}`;
  const replicas: TestingModule[] = [];
  let issued = 0;

  beforeAll(async () => {
    await server.start();
    server.respond((request) => {
      if (request.path === '/auth/token') {
        issued += 1;
        return { body: { token: `token-${issued}` } };
      }
      if (request.path === '/api/telemetry/flags') {
        return { body: { feature_flags: { maintenance: true } } };
      }
      return { status: 202, body: {} };
    });
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    await server.stop();
    const redis = new Redis(redisUrl()!);
    const keys = await redis.keys(`*${host}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const boot = async () => {
    const replica = await bootClient({
      host,
      store: redisUrl()!,
      serverUrl: `${server.url}/api/telemetry`,
      authTokenUrl: `${server.url}/auth/token`,
    });
    replicas.push(replica);
    return replica;
  };

  it('a second replica uses the token and the flags the first one obtained, without asking again', async () => {
    const first = await boot();
    expect((await first.get(TelemetryHttpClient).postReport({ ...samplePayload, host })).ok).toBe(
      true,
    );
    await first.get(FeatureFlagsSynchronizer).syncNow();

    const second = await boot();
    expect(second.get(FeatureFlagsService).isEnabled('maintenance')).toBe(true);
    expect((await second.get(TelemetryHttpClient).postReport({ ...samplePayload, host })).ok).toBe(
      true,
    );
    expect(server.on('/auth/token')).toHaveLength(1);
    expect(server.on('/api/telemetry').map((r) => r.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-1',
    ]);
  });
});
