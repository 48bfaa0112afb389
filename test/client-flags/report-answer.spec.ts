import { Injectable, Logger } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { firstValueFrom } from 'rxjs';
import {
  FeatureFlagsService,
  Telemetry,
  TelemetryCollectionService,
  TelemetryModule,
  TelemetryReporter,
} from '../../lib';
import { RecordingServer } from '../support/recording-server';

@Injectable()
class ShopMetrics {
  @Telemetry({ key: 'orders', interval: 60 })
  orders(): number {
    return 12;
  }
}

describe('flags that come with a report answer', () => {
  const server = new RecordingServer();
  let moduleRef: TestingModule;

  beforeAll(() => server.start());
  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        TelemetryModule.forRoot({
          serverUrl: `${server.url}/api/telemetry`,
          host: 'shop-1',
          store: 'memory',
          manualRegistration: true,
          flagsPollInterval: 0,
        }),
      ],
      providers: [ShopMetrics],
    }).compile();
    await moduleRef.init();
  });
  afterEach(async () => {
    await moduleRef.close();
    server.requests.length = 0;
  });
  afterAll(() => server.stop());

  it('FeatureFlagsService receives feature_flags from the answer to a report, without any flags request', async () => {
    server.respond(() => ({
      status: 202,
      body: { feature_flags: { maintenance: true, plan: 'pro' }, notices: [] },
    }));
    const flags = moduleRef.get(FeatureFlagsService);
    const changed = firstValueFrom(flags.changes$);
    await moduleRef.get(TelemetryCollectionService).collect();
    const outcome = await moduleRef.get(TelemetryReporter).sendBacklog();
    expect(outcome.status).toBe('sent');
    expect((await changed).source).toBe('report');
    expect(flags.isEnabled('maintenance')).toBe(true);
    expect(flags.getValue('plan', 'free')).toBe('pro');
    expect(server.requests.map((r) => r.path)).toEqual(['/api/telemetry']);
  });

  it('a report answer without feature_flags leaves the flags as they were', async () => {
    const flags = moduleRef.get(FeatureFlagsService);
    await flags.apply({ maintenance: true }, 'poll');
    server.respond(() => ({ status: 202, body: { notices: ['hello'] } }));
    await moduleRef.get(TelemetryCollectionService).collect();
    await moduleRef.get(TelemetryReporter).sendBacklog();
    expect(flags.getAll()).toEqual({ maintenance: true });
  });

  it("a PHP receiver's empty flag set (feature_flags: []) removes every flag", async () => {
    const flags = moduleRef.get(FeatureFlagsService);
    await flags.apply({ maintenance: true }, 'poll');
    // json_encode(['feature_flags' => []]): PHP writes an empty map as a list.
    server.respond(() => ({ status: 200, body: '{"feature_flags":[]}' }));
    await moduleRef.get(TelemetryCollectionService).collect();
    expect((await moduleRef.get(TelemetryReporter).sendBacklog()).status).toBe('sent');
    expect(flags.getAll()).toEqual({});
  });

  it('keeps the flags when every answer carries feature_flags: null, and warns once, not per report', async () => {
    const flags = moduleRef.get(FeatureFlagsService);
    await flags.apply({ maintenance: true }, 'poll');
    server.respond(() => ({ status: 200, body: '{"feature_flags":null}' }));
    const warnings: string[] = [];
    const spy = jest
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation((message: unknown) => void warnings.push(String(message)));
    try {
      for (let i = 0; i < 3; i++) {
        await moduleRef.get(TelemetryCollectionService).collect();
        expect((await moduleRef.get(TelemetryReporter).sendBacklog()).status).toBe('sent');
      }
    } finally {
      spy.mockRestore();
    }
    expect(flags.getAll()).toEqual({ maintenance: true });
    expect(
      warnings.filter((w) => w.startsWith('Ignored feature flags from the report')),
    ).toHaveLength(1);
  });
});
