import { Injectable } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import {
  Telemetry,
  TelemetryCollectionService,
  TelemetryModule,
  TelemetryReporter,
} from '../../lib';
import { TelemetryOutbox } from '../../lib/outbox/telemetry-outbox.service';
import { RecordingServer } from '../support/recording-server';

@Injectable()
class StorageMetrics {
  private used = 100;

  @Telemetry({ key: 'disk_used_mb', interval: 60 })
  diskUsed(): number {
    this.used += 1;
    return this.used;
  }
}

describe('reports refused for authentication stay in the outbox', () => {
  const server = new RecordingServer();
  let moduleRef: TestingModule;
  let accepting = false;
  let issued = 0;

  beforeAll(async () => {
    await server.start();
    server.respond((request) => {
      if (request.path === '/auth/token') {
        issued += 1;
        return { body: { token: `token-${issued}` } };
      }
      return accepting
        ? { status: 202, body: {} }
        : { status: 401, body: { error: 'unauthorized' } };
    });
    moduleRef = await Test.createTestingModule({
      imports: [
        TelemetryModule.forRoot({
          serverUrl: `${server.url}/api/telemetry`,
          authTokenUrl: `${server.url}/auth/token`,
          host: 'shop-1',
          store: 'memory',
          manualRegistration: true,
          flagsPollInterval: 0,
        }),
      ],
      providers: [StorageMetrics],
    }).compile();
    await moduleRef.init();
  });
  afterAll(async () => {
    await moduleRef.close();
    await server.stop();
  });

  it('keeps every collected value when the refreshed token is refused too, and sends them all once accepted', async () => {
    const collection = moduleRef.get(TelemetryCollectionService);
    const reporter = moduleRef.get(TelemetryReporter);
    const outbox = moduleRef.get(TelemetryOutbox);
    await collection.collect();
    await collection.collect();

    const failed = await reporter.sendBacklog();
    expect(failed.status).toBe('failed');
    expect(await outbox.size()).toBe(2);
    // One refused attempt with the first token, one retry with a freshly fetched one; no more.
    expect(server.on('/api/telemetry')).toHaveLength(2);
    expect(server.on('/auth/token')).toHaveLength(2);

    accepting = true;
    const sent = await reporter.sendBacklog();
    expect(sent).toMatchObject({ status: 'sent', entries: 2 });
    expect(await outbox.size()).toBe(0);
    const accepted = server.on('/api/telemetry').slice(2);
    const values = accepted.map((r) => JSON.parse(r.raw.toString()).data.disk_used_mb);
    expect(values).toEqual([101, 102]);
  });
});
