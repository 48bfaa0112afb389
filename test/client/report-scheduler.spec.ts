import { SchedulerRegistry } from '@nestjs/schedule';
import { type TelemetryReporter, type TelemetryReportOutcome } from '../../lib';
import { resolveTelemetryOptions } from '../../lib/options/telemetry-options.resolver';
import { MemoryTelemetryStore } from '../../lib/outbox/stores/memory.store';
import { TelemetryOutbox } from '../../lib/outbox/telemetry-outbox.service';
import { TelemetryReportScheduler } from '../../lib/reporting/telemetry-report.scheduler';
import { TelemetryTimers } from '../../lib/scheduler/telemetry-timers';
import { captureTelemetryLogs } from './fixtures/telemetry-app.fixture';

const sent: TelemetryReportOutcome = {
  status: 'sent',
  payloads: 1,
  entries: 1,
  deadLettered: 0,
  remaining: 0,
};
const failed = (status?: number, retryAfterSeconds?: number): TelemetryReportOutcome => ({
  status: 'failed',
  payloads: 0,
  entries: 0,
  deadLettered: 0,
  remaining: 5,
  result: {
    ok: false,
    status,
    retryAfterSeconds,
    error: status ? `HTTP ${status}` : 'ECONNREFUSED',
  },
});

/** A scheduler driven by fake timers over a scripted reporter; returns the attempt times (s). */
function setup(script: TelemetryReportOutcome[]) {
  const attempts: number[] = [];
  const started = Date.now();
  const reporter = {
    sendBacklog: async () => {
      attempts.push(Math.round((Date.now() - started) / 1000));
      return script.shift() ?? sent;
    },
  } as unknown as TelemetryReporter;
  const options = resolveTelemetryOptions(
    { store: 'memory', reportInterval: 10, serverUrl: 'http://127.0.0.1:1/t' },
    {},
  );
  const timers = new TelemetryTimers(new SchedulerRegistry());
  const outbox = new TelemetryOutbox(new MemoryTelemetryStore(), options);
  const scheduler = new TelemetryReportScheduler(reporter, outbox, timers, options);
  scheduler.onApplicationBootstrap();
  return { attempts, scheduler };
}

describe('report scheduling (fake timers)', () => {
  let logs: ReturnType<typeof captureTelemetryLogs>;

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    jest.spyOn(Math, 'random').mockReturnValue(1); // no jitter: exact delays
    logs = captureTelemetryLogs();
  });

  afterEach(() => {
    logs.restore();
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('sends every reportInterval while the receiver accepts', async () => {
    const { attempts, scheduler } = setup([]);
    await jest.advanceTimersByTimeAsync(35_000);
    expect(attempts).toEqual([10, 20, 30]);
    await scheduler.beforeApplicationShutdown();
  });

  it('backs off exponentially during an outage and logs its start and end once', async () => {
    const { attempts, scheduler } = setup([failed(), failed(), failed(), failed(500)]);
    await jest.advanceTimersByTimeAsync(200_000);
    // 10 (fail) +10 (fail) +20 (fail) +40 (fail) +80 (sent) +10 …
    expect(attempts.slice(0, 7)).toEqual([10, 20, 40, 80, 160, 170, 180]);
    expect(logs.warn.filter((l) => l.startsWith('Telemetry server unreachable'))).toHaveLength(1);
    expect(
      logs.log.filter((l) => l.startsWith('Telemetry server reachable again after 150 s')),
    ).toHaveLength(1);
    await scheduler.beforeApplicationShutdown();
  });

  it('waits as long as Retry-After asks on 429/503', async () => {
    const { attempts, scheduler } = setup([failed(503, 120)]);
    await jest.advanceTimersByTimeAsync(135_000);
    expect(attempts).toEqual([10, 130]);
    await scheduler.beforeApplicationShutdown();
  });

  it('does not retry faster after another 4xx, and logs the refusal once', async () => {
    const { attempts, scheduler } = setup([failed(403), failed(403), failed(403)]);
    await jest.advanceTimersByTimeAsync(45_000);
    expect(attempts).toEqual([10, 20, 30, 40]);
    expect(logs.error.filter((l) => l.includes('refused the report with status 403'))).toHaveLength(
      1,
    );
    await scheduler.beforeApplicationShutdown();
  });

  it('makes one last attempt on shutdown, but not while a Retry-After is running', async () => {
    const first = setup([]);
    await first.scheduler.beforeApplicationShutdown();
    expect(first.attempts).toEqual([0]);

    const second = setup([failed(429, 600)]);
    await jest.advanceTimersByTimeAsync(10_000);
    await second.scheduler.beforeApplicationShutdown();
    expect(second.attempts).toEqual([10]);
  });
});
