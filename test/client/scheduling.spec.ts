import { Injectable } from '@nestjs/common';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  Telemetry,
  TELEMETRY_STORE,
  TelemetryModule,
  TelemetryRegistry,
  type TelemetryStore,
} from '../../lib';
import { collectorTimerName } from '../../lib/collectors/telemetry.orchestrator';
import { MemoryTelemetryStore } from '../../lib/outbox/stores/memory.store';
import { REPORT_TIMER_NAME } from '../../lib/reporting/telemetry-report.scheduler';
import { TELEMETRY_SCHEDULER_REGISTRY } from '../../lib/telemetry.constants';
import { captureTelemetryLogs, startTelemetryApp } from './fixtures/telemetry-app.fixture';
import { waitFor } from '../support/telemetry-test-receiver';

const pendingOf = async (app: TestingModule) =>
  app.get<TelemetryStore>(TELEMETRY_STORE).pending(1000);

describe('collector scheduling (real timers)', () => {
  let app: TestingModule | undefined;
  let logs: ReturnType<typeof captureTelemetryLogs>;

  beforeEach(() => {
    logs = captureTelemetryLogs();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    logs.restore();
  });

  it('collects a 1-second collector soon after bootstrap and then every second, on a named timer', async () => {
    @Injectable()
    class Ticker {
      calls = 0;
      @Telemetry(1)
      tick(): number {
        return ++this.calls;
      }
    }
    app = await startTelemetryApp([Ticker], { reportInterval: 3600 });
    const registry = app.get<SchedulerRegistry>(TELEMETRY_SCHEDULER_REGISTRY);
    expect(registry.doesExist('timeout', collectorTimerName('Ticker@tick'))).toBe(true);
    expect(registry.doesExist('timeout', REPORT_TIMER_NAME)).toBe(true);

    await waitFor(() => app!.get(Ticker).calls >= 3, 'three collections');
    expect(registry.getIntervals()).toContain(collectorTimerName('Ticker@tick'));
    const values = (await pendingOf(app)).map((entry) => entry.value);
    expect(values.slice(0, 3)).toEqual([1, 2, 3]);
  });

  it('logs and skips a throwing and a hanging collector while the others keep reporting', async () => {
    @Injectable()
    class Mixed {
      hangs = 0;
      @Telemetry({ key: 'good', interval: 1 })
      good(): string {
        return 'ok';
      }
      @Telemetry({ key: 'explodes', interval: 1 })
      explodes(): number {
        throw new Error('database is down');
      }
      @Telemetry({ key: 'hangs', interval: 1, timeout: 200 })
      hang(): Promise<number> {
        this.hangs++;
        return new Promise(() => undefined);
      }
    }
    app = await startTelemetryApp([Mixed], { reportInterval: 3600 });
    await waitFor(
      () => logs.warn.some((line) => line.includes('hangs is still running')),
      'a second round of the hanging collector',
    );
    const keys = new Set((await pendingOf(app)).map((entry) => entry.key));
    expect([...keys]).toEqual(['good']);
    expect(logs.warn).toContain('Failed to collect data from explodes: database is down');
    expect(logs.warn).toContain(
      'Failed to collect data from hangs: no value after 200 ms; skipped this round.',
    );
    // A hung call is never started again while it is still pending.
    expect(app.get(Mixed).hangs).toBe(1);
  });

  it.each([
    ['disabled', { enabled: false }],
    ['in manual registration (CLI) mode', { manualRegistration: true }],
  ])('starts no timers when %s, yet still lists the collectors', async (_label, options) => {
    @Injectable()
    class Quiet {
      @Telemetry(1)
      value(): number {
        return 1;
      }
    }
    app = await startTelemetryApp([Quiet], options);
    expect(app.get(TelemetryRegistry).getCollector('Quiet@value')).toBeDefined();
    const registry = app.get<SchedulerRegistry>(TELEMETRY_SCHEDULER_REGISTRY);
    expect(registry.getTimeouts().filter((name) => name.startsWith('telemetry:'))).toEqual([]);
    expect(registry.getIntervals().filter((name) => name.startsWith('telemetry:'))).toEqual([]);
  });

  it("puts its timers in the application's SchedulerRegistry when the app uses ScheduleModule", async () => {
    @Injectable()
    class Gauge {
      @Telemetry(60)
      value(): number {
        return 1;
      }
    }
    app = await Test.createTestingModule({
      imports: [ScheduleModule.forRoot(), TelemetryModule.forRoot({ store: 'memory' })],
      providers: [Gauge],
    }).compile();
    await app.init();
    const appRegistry = app.get(SchedulerRegistry);
    expect(app.get(TELEMETRY_SCHEDULER_REGISTRY)).toBe(appRegistry);
    expect(appRegistry.getTimeouts()).toEqual(
      expect.arrayContaining([collectorTimerName('Gauge@value'), REPORT_TIMER_NAME]),
    );
  });

  it('keeps the application running when the store fails, logging once instead of throwing', async () => {
    @Injectable()
    class Gauge {
      calls = 0;
      @Telemetry(1)
      value(): number {
        return ++this.calls;
      }
    }
    const broken = new MemoryTelemetryStore();
    const down = () => Promise.reject(new Error('store offline'));
    Object.assign(broken, { append: down, pending: down, getValue: down, size: down });
    app = await startTelemetryApp([Gauge], {
      store: broken,
      reportInterval: 1,
      serverUrl: 'http://127.0.0.1:9/t',
    });
    // Three collections and at least one report attempt meet the broken store: one line in all.
    await waitFor(() => app!.get(Gauge).calls >= 3, 'three collections');
    expect(logs.error.filter((line) => line.includes('store failed'))).toEqual([
      expect.stringMatching(/^Telemetry store failed during .+: store offline$/),
    ]);
    expect(logs.warn.filter((line) => line.includes('store failed'))).toEqual([]);
  });
});
