import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  TELEMETRY_OPTIONS,
  TELEMETRY_STORE,
  TelemetryModule,
  type ResolvedTelemetryOptions,
} from '../../lib';
import { MemoryTelemetryStore } from '../../lib/outbox/stores/memory.store';

@Injectable()
class SettingsService {
  readonly telemetryUrl = 'https://central.example.com/api/telemetry';
}

@Module({ providers: [SettingsService], exports: [SettingsService] })
class SettingsModule {}

describe('TelemetryModule', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('forRoot() without options takes everything from the environment', async () => {
    process.env.TELEMETRY_HOST = 'env-host';
    process.env.TELEMETRY_STORE = 'memory';
    process.env.TELEMETRY_REPORT_INTERVAL = '15';
    const moduleRef = await Test.createTestingModule({
      imports: [TelemetryModule.forRoot()],
    }).compile();
    const options = moduleRef.get<ResolvedTelemetryOptions>(TELEMETRY_OPTIONS);
    expect(options).toMatchObject({
      host: 'env-host',
      store: { type: 'memory' },
      reportInterval: 15,
    });
    expect(moduleRef.get(TELEMETRY_STORE)).toBeInstanceOf(MemoryTelemetryStore);
    await moduleRef.close();
  });

  it('forRootAsync() resolves options from an injected provider, still over the environment', async () => {
    process.env.TELEMETRY_HOST = 'env-host';
    const moduleRef = await Test.createTestingModule({
      imports: [
        TelemetryModule.forRootAsync({
          imports: [SettingsModule],
          inject: [SettingsService],
          useFactory: (settings: SettingsService) => ({
            serverUrl: settings.telemetryUrl,
            store: 'memory',
          }),
        }),
      ],
    }).compile();
    const options = moduleRef.get<ResolvedTelemetryOptions>(TELEMETRY_OPTIONS);
    expect(options.serverUrl).toBe('https://central.example.com/api/telemetry');
    expect(options.host).toBe('env-host');
    await moduleRef.close();
  });

  it('refuses to start with a malformed environment variable, naming it', async () => {
    process.env.TELEMETRY_MAX_OUTBOX_ENTRIES = 'lots';
    await expect(
      Test.createTestingModule({
        imports: [TelemetryModule.forRoot({ store: 'memory' })],
      }).compile(),
    ).rejects.toThrow('TELEMETRY_MAX_OUTBOX_ENTRIES');
  });
});
