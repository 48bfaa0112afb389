import { Injectable } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import {
  Telemetry,
  TelemetryCollectionService,
  TelemetryReporter,
  TelemetryResponseHandler,
  TELEMETRY_STORE,
  type TelemetryStore,
} from '../../lib';
import { MemoryTelemetryStore } from '../../lib/outbox/stores/memory.store';
import { TELEMETRY_USER_AGENT } from '../../lib/telemetry.constants';
import { TestTelemetryReceiver, waitFor } from '../support/telemetry-test-receiver';
import { captureTelemetryLogs, startTelemetryApp } from './fixtures/telemetry-app.fixture';

@Injectable()
class Inventory {
  @Telemetry({ key: 'user_count' })
  users(): number {
    return 42;
  }
  @Telemetry({ key: 'disk' })
  async disk(): Promise<unknown> {
    return { usedBytes: 1024, path: '/var/data', label: 'données' };
  }
}

@Injectable()
class WideValues {
  @Telemetry({ key: 'a' })
  a(): string {
    return 'a'.repeat(900);
  }
  @Telemetry({ key: 'b' })
  b(): string {
    return 'b'.repeat(900);
  }
  @Telemetry({ key: 'c' })
  c(): string {
    return 'c'.repeat(900);
  }
}

describe('reporting to a receiver', () => {
  let receiver: TestTelemetryReceiver;
  let app: TestingModule | undefined;
  let logs: ReturnType<typeof captureTelemetryLogs>;

  beforeEach(async () => {
    receiver = await TestTelemetryReceiver.create();
    logs = captureTelemetryLogs();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await receiver.stop();
    logs.restore();
  });

  const manualApp = (providers: unknown[] = [Inventory], extra = {}) =>
    startTelemetryApp(providers as never[], {
      serverUrl: receiver.url,
      host: 'shop-17',
      manualRegistration: true,
      ...extra,
    });

  it('POSTs the Laravel payload {host, timestamp, data} as the exact bytes of one JSON.stringify, then empties the outbox', async () => {
    app = await manualApp();
    await app.get(TelemetryCollectionService).collect();
    const outcome = await app.get(TelemetryReporter).sendBacklog();
    expect(outcome).toMatchObject({ status: 'sent', payloads: 1, entries: 2, remaining: 0 });

    expect(receiver.reports).toHaveLength(1);
    const [report] = receiver.reports;
    expect(report.method).toBe('POST');
    expect(report.path).toBe('/api/telemetry');
    expect(Object.keys(report.body)).toEqual(['host', 'timestamp', 'data']);
    expect(report.body.host).toBe('shop-17');
    expect(report.body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(report.body.data).toEqual({
      user_count: 42,
      disk: { usedBytes: 1024, path: '/var/data', label: 'données' },
    });
    expect(report.raw).toBe(JSON.stringify(report.body));
    expect(report.headers['content-type']).toBe('application/json');
    expect(report.headers.accept).toBe('application/json');
    expect(report.headers['user-agent']).toBe(TELEMETRY_USER_AGENT);
    expect(await app.get<TelemetryStore>(TELEMETRY_STORE).size()).toBe(0);
  });

  it('sends a backlog of several rounds in order, one payload per round and host, with each round time', async () => {
    app = await manualApp([]);
    await app.get<TelemetryStore>(TELEMETRY_STORE).append([
      { key: 'users', value: 1, collectedAt: '2025-08-03T10:00:00.100Z', host: 'shop-17' },
      { key: 'disk', value: 9, collectedAt: '2025-08-03T10:00:00.900Z', host: 'shop-17' },
      { key: 'users', value: 2, collectedAt: '2025-08-03T10:01:00.000Z', host: 'shop-17' },
      { key: 'users', value: 7, collectedAt: '2025-08-03T10:01:00.000Z', host: 'old-name' },
      { key: 'users', value: 3, collectedAt: '2025-08-03T10:02:00.000Z', host: 'shop-17' },
    ]);
    await app.get(TelemetryReporter).sendBacklog();
    expect(receiver.reports.map((r) => r.body)).toEqual([
      { host: 'shop-17', timestamp: '2025-08-03T10:00:00Z', data: { users: 1, disk: 9 } },
      { host: 'shop-17', timestamp: '2025-08-03T10:01:00Z', data: { users: 2 } },
      { host: 'old-name', timestamp: '2025-08-03T10:01:00Z', data: { users: 7 } },
      { host: 'shop-17', timestamp: '2025-08-03T10:02:00Z', data: { users: 3 } },
    ]);
  });

  it('keeps the backlog when the receiver refuses it with a 4xx', async () => {
    receiver.answer = () => ({ status: 422, body: { error: 'unknown host' } });
    app = await manualApp();
    await app.get(TelemetryCollectionService).collect();
    const outcome = await app.get(TelemetryReporter).sendBacklog();
    expect(outcome).toMatchObject({ status: 'failed', result: { ok: false, status: 422 } });
    expect(await app.get<TelemetryStore>(TELEMETRY_STORE).size()).toBe(2);
  });

  // A receiver caps each value and each request (ReceiverModule: 16 KB and 64 KB): values each
  // within the first can add up past the second. They must arrive, not become dead letters.
  it('sends a round the receiver refuses as too large (413) in parts with its timestamp, losing no value', async () => {
    receiver.answer = (report) =>
      report.raw.length > 2000
        ? { status: 413, body: { success: false, message: 'Payload too large' } }
        : { status: 200, body: {} };
    app = await manualApp([WideValues]);
    await app.get(TelemetryCollectionService).collect();
    const outcome = await app.get(TelemetryReporter).sendBacklog();
    expect(outcome).toMatchObject({ status: 'sent', entries: 3, deadLettered: 0, remaining: 0 });
    expect(receiver.reports.map((r) => Object.keys(r.body.data))).toEqual([['a', 'b'], ['c']]);
    const [first, second] = receiver.reports.map((r) => r.body);
    expect(second.timestamp).toBe(first.timestamp);
    expect(second.host).toBe('shop-17');
    expect(await app.get<TelemetryStore>(TELEMETRY_STORE).deadLetterCount!()).toBe(0);
  });

  // Fault injection: the store cannot write the acknowledgement (a full disk, Redis away) after
  // the receiver stored the payload. Sending it again on every tick would store it again at a
  // receiver that does not deduplicate (any Laravel-era one).
  it('does not send an accepted payload again while the store cannot write its acknowledgement', async () => {
    class AckFailingStore extends MemoryTelemetryStore {
      failing = true;
      override async acknowledge(ids: number[]): Promise<void> {
        if (this.failing) throw new Error('ENOSPC: no space left on device');
        return super.acknowledge(ids);
      }
    }
    const store = new AckFailingStore(100);
    app = await manualApp([Inventory], { store });
    await app.get(TelemetryCollectionService).collect();
    const reporter = app.get(TelemetryReporter);
    await expect(reporter.sendBacklog()).rejects.toThrow('ENOSPC');
    expect(await reporter.sendBacklog()).toMatchObject({ status: 'empty' });
    expect(receiver.reports).toHaveLength(1);
    store.failing = false;
    await app.get(TelemetryCollectionService).collect();
    expect(await reporter.sendBacklog()).toMatchObject({ status: 'sent', entries: 2 });
    expect(receiver.reports).toHaveLength(2);
    expect(await store.size()).toBe(0);
    expect(logs.error.filter((line) => line.startsWith('Telemetry store failed'))).toHaveLength(1);
    expect(
      logs.log.filter((line) => line.startsWith('Telemetry store writable again')),
    ).toHaveLength(1);
  });

  it('reads Retry-After on 429 and 503', async () => {
    receiver.answer = () => ({ status: 503, headers: { 'retry-after': '7' } });
    app = await manualApp();
    await app.get(TelemetryCollectionService).collect();
    const outcome = await app.get(TelemetryReporter).sendBacklog();
    expect(outcome).toMatchObject({
      status: 'failed',
      result: { status: 503, retryAfterSeconds: 7 },
    });
  });

  it('logs payload and response in verbose mode with secrets redacted', async () => {
    @Injectable()
    class Credentials {
      @Telemetry({ key: 'smtp' })
      smtp(): unknown {
        return { host: 'mail.local', password: 'hunter2' };
      }
    }
    receiver.answer = () => ({ status: 200, body: { token: 'server-secret', ok: true } });
    app = await manualApp([Credentials], { verboseLogging: true });
    await app.get(TelemetryCollectionService).collect();
    await app.get(TelemetryReporter).sendBacklog();
    const payloadLine = logs.log.find((line) => line.startsWith('Telemetry payload:'));
    const responseLine = logs.log.find((line) => line.startsWith('Telemetry response (200)'));
    expect(payloadLine).toContain('"host":"shop-17"');
    expect(payloadLine).toContain('"password":"[redacted]"');
    expect(responseLine).toContain('"token":"[redacted]"');
    expect(logs.log.join('\n')).not.toMatch(/hunter2|server-secret/);
  });

  it('sends what is left on shutdown', async () => {
    @Injectable()
    class Gauge {
      calls = 0;
      @Telemetry({ key: 'gauge', interval: 1 })
      read(): number {
        return ++this.calls;
      }
    }
    app = await startTelemetryApp([Gauge], { serverUrl: receiver.url, reportInterval: 3600 });
    const gauge = app.get(Gauge);
    await waitFor(() => gauge.calls >= 1, 'a collection');
    await app.close();
    const collected = gauge.calls;
    app = undefined;
    expect(receiver.dataReceived.map((data) => data.gauge)).toEqual(
      Array.from({ length: collected }, (_, i) => i + 1),
    );
  });

  it('gives up the shutdown send after shutdownTimeout when the receiver hangs, keeping the data', async () => {
    receiver.answer = () => ({ status: 0 });
    const store = new MemoryTelemetryStore();
    app = await manualApp([Inventory], {
      shutdownTimeout: 300,
      manualRegistration: false,
      reportInterval: 3600,
      store,
    });
    await app.get(TelemetryCollectionService).collect();
    await app.close();
    app = undefined;
    expect(logs.warn).toContain(
      'Telemetry final send did not finish within 300 ms; the backlog stays in the outbox.',
    );
    expect(await store.size()).toBe(2);
  });

  it('delivers every value collected during an outage exactly once and in order, logging the outage once', async () => {
    @Injectable()
    class Counter {
      value = 0;
      @Telemetry({ key: 'counter', interval: 1 })
      next(): number {
        return ++this.value;
      }
    }
    app = await startTelemetryApp([Counter], {
      serverUrl: receiver.url,
      host: 'shop-17',
      reportInterval: 1,
    });
    const counter = app.get(Counter);
    const unreachable = () =>
      logs.warn.filter((line) => line.startsWith('Telemetry server unreachable'));
    const reachableAgain = () =>
      logs.log.filter((line) => line.startsWith('Telemetry server reachable again'));
    await waitFor(() => receiver.reports.length >= 1, 'a first report');
    receiver.interrupt();
    const lastBeforeOutage = counter.value;
    // Wait on events, not on wall time: under CPU load timers drift, so "three seconds" need not
    // contain a failed report attempt, and the receiver records a report before the client has
    // read the answer that ends the outage.
    await waitFor(
      () => counter.value >= lastBeforeOutage + 3 && unreachable().length >= 1,
      'three collections and a failed report during the outage',
    );
    receiver.resume();
    const target = counter.value;
    await waitFor(
      () =>
        receiver.dataReceived.some((data) => (data.counter as number) >= target) &&
        reachableAgain().length >= 1,
      'the backlog to arrive and the client to see the receiver back',
      30_000,
    );
    // The recovery is logged once the whole send is done, a moment after the last value arrived.
    await waitFor(
      () => logs.log.some((line) => line.startsWith('Telemetry server reachable again')),
      'the recovery to be logged',
    );
    const received = receiver.dataReceived.map((data) => data.counter as number);
    expect(received).toEqual(Array.from({ length: received.length }, (_, i) => i + 1));
    expect(unreachable()).toHaveLength(1);
    expect(reachableAgain()).toHaveLength(1);
  });
});

describe('response handlers', () => {
  let receiver: TestTelemetryReceiver;

  beforeEach(async () => {
    receiver = await TestTelemetryReceiver.create();
  });

  afterEach(() => receiver.stop());

  it('hands each top-level answer key to its handlers; a throwing handler is logged and the others still run', async () => {
    const seen: Array<[string, unknown]> = [];
    @Injectable()
    class Handlers {
      @TelemetryResponseHandler('notices')
      broken(): void {
        throw new Error('cannot show notices');
      }
      @TelemetryResponseHandler('notices')
      notices(value: unknown): void {
        seen.push(['notices', value]);
      }
      @TelemetryResponseHandler('feature_flags')
      async flags(value: unknown): Promise<void> {
        seen.push(['feature_flags', value]);
      }
      @TelemetryResponseHandler()
      byDefaultKey(value: unknown): void {
        seen.push(['Handlers@byDefaultKey', value]);
      }
    }
    receiver.answer = () => ({
      status: 200,
      body: {
        feature_flags: { beta: true },
        notices: ['update'],
        'Handlers@byDefaultKey': 5,
        other: 1,
      },
    });
    const logs = captureTelemetryLogs();
    const app = await startTelemetryApp([Inventory, Handlers], {
      serverUrl: receiver.url,
      manualRegistration: true,
    });
    await app.get(TelemetryCollectionService).collect();
    await app.get(TelemetryReporter).sendBacklog();
    expect(seen).toEqual([
      ['feature_flags', { beta: true }],
      ['notices', ['update']],
      ['Handlers@byDefaultKey', 5],
    ]);
    expect(logs.error).toContain(
      'Telemetry response handler Handlers.broken failed for key "notices": cannot show notices',
    );
    logs.restore();
    await app.close();
  });
});
