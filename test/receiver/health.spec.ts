import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { HealthIndicatorRegistry } from '../../receiver';
import { cityRecord, writeMmdb } from '../support/mmdb-writer';
import { describeEachAdapter, describeReceiver, useReceiverApp } from '../support/receiver-app';
import { describeWithRedis, redisUrl } from '../support/services';

const dir = mkdtempSync(join(tmpdir(), 'receiver-health-'));
const mmdb = join(dir, 'GeoLite2-City.mmdb');
// A real (generated) database: the geoip check reports the reader actually loaded.
writeMmdb(mmdb, [
  cityRecord('81.2.69.0/24', {
    country: 'United Kingdom',
    countryCode: 'GB',
    region: 'England',
    city: 'London',
  }),
]);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

@Injectable()
class FailingQueueIndicator implements OnModuleInit {
  constructor(private readonly registry: HealthIndicatorRegistry) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'queue',
      check: async () => ({ status: 'fail', message: 'worker down' }),
    });
  }
}

@Module({ providers: [FailingQueueIndicator] })
class FailingQueueModule {}

describeReceiver('health', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine, options: { geoipDatabase: mmdb } });

  it('reports healthy with the four Micrologs checks, pretty-printed', async () => {
    for (const path of ['/api/health.php', '/api/health']) {
      const res = await receiver.http.get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.text).toContain('\n    "status": "healthy"');
      expect(res.body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(res.body.checks).toEqual({
        php: {
          status: 'ok',
          message: `Node.js ${process.versions.node}`,
          version: process.versions.node,
        },
        database: { status: 'ok', message: 'Connected' },
        valkey: { status: 'ok', message: expect.stringContaining('Not configured') },
        geoip: { status: 'ok', message: 'GeoLite2-City.mmdb found' },
        queue: { status: 'ok', message: expect.any(String), driver: 'inline', pending: 0 },
        purge: {
          status: 'ok',
          message: 'No purge has run in this process yet',
          interval_minutes: 60,
          next_run_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
          last_run: null,
        },
      });
    }
  });

  it('answers 405 to POST', async () => {
    const res = await receiver.http.post('/api/health.php', { a: 1 });
    expect(res.status).toBe(405);
    expect(res.body).toEqual({ success: false, message: 'Method not allowed' });
  });
});

describeEachAdapter('health with problems', ({ adapter, engine }) => {
  const receiver = useReceiverApp({
    adapter,
    engine,
    // isGlobal: a sibling module of the application sees ReceiverModule's exports.
    options: {
      geoipDatabase: join(dir, 'missing.mmdb'),
      redis: 'redis://127.0.0.1:1',
      isGlobal: true,
    },
    imports: [FailingQueueModule],
  });

  it('answers 503 unhealthy when a check fails; a missing GeoIP file only warns', async () => {
    const res = await receiver.http.get('/api/health.php');
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('unhealthy');
    expect(res.body.checks.geoip).toEqual({
      status: 'warn',
      message: 'missing.mmdb not found \u2014 location tracking disabled',
    });
    expect(res.body.checks.valkey).toEqual({
      status: 'fail',
      message: 'Connection failed \u2014 queue and cache unavailable',
    });
    expect(res.body.checks.queue).toEqual({ status: 'fail', message: 'worker down' });
  });
});

// Runs only when Redis answered (`npm test` says so when it is skipped).
describeWithRedis('health with Redis', () => {
  describeEachAdapter('valkey check', ({ adapter, engine }) => {
    const receiver = useReceiverApp({ adapter, engine, options: { redis: redisUrl() } });

    it('reports Redis as connected', async () => {
      const res = await receiver.http.get('/api/health');
      expect(res.body.checks.valkey).toEqual({ status: 'ok', message: 'Connected' });
    });
  });
});
