import { Injectable } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { join } from 'node:path';
import { Telemetry } from '../../lib';
import { ErrorsOutbox } from '../../lib/errors/outbox/errors.outbox';
import { resolveTelemetryOptions } from '../../lib/options/telemetry-options.resolver';
import { FileTelemetryStore } from '../../lib/outbox/stores/file.store';
import {
  captureTelemetryLogs,
  sleep,
  startTelemetryApp,
} from '../client/fixtures/telemetry-app.fixture';
import { mountSmallDisk, type SmallDisk } from '../support/small-disk';
import { TestTelemetryReceiver, waitFor } from '../support/telemetry-test-receiver';

@Injectable()
class Gauges {
  calls = 0;
  @Telemetry({ key: 'load', interval: 1 })
  load(): number {
    return ++this.calls;
  }
  @Telemetry({ key: 'label', interval: 1 })
  label(): string {
    return 'x'.repeat(200);
  }
}

const storeLines = (lines: string[]) => lines.filter((line) => /Telemetry store/.test(line));

/**
 * The disk under the client's file outboxes fills up while the app runs (1-second collectors, a
 * 1-second report tick, captured errors): the app keeps running, the failure is logged once when
 * it starts and once when a write works again — not once per collection, report attempt or
 * captured error — and reporting resumes by itself once space is back. Runs on a private tmpfs
 * (skipped where this process may not mount one).
 */
describe('client outboxes on a disk that fills up', () => {
  let disk: SmallDisk | undefined;
  let receiver: TestTelemetryReceiver;
  let app: TestingModule | undefined;
  let logs: ReturnType<typeof captureTelemetryLogs>;

  beforeEach(async () => {
    disk = mountSmallDisk(1);
    receiver = await TestTelemetryReceiver.create();
    logs = captureTelemetryLogs();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    logs.restore();
    await receiver.stop();
    disk?.unmount();
  });

  it('logs the telemetry outbox failing once each way, and reports again by itself', async () => {
    if (!disk) return void console.warn('tmpfs cannot be mounted here: disk-full case not run');
    app = await startTelemetryApp([Gauges], {
      serverUrl: receiver.url,
      host: 'shop-1',
      store: 'file',
      storePath: join(disk.dir, 'outbox'),
      reportInterval: 1,
      flagsPollInterval: 0,
    });
    await waitFor(() => receiver.reports.length > 0, 'a first report');
    disk.fill();
    const callsAtFill = app.get(Gauges).calls;
    // Four collection rounds of two collectors, and the report ticks between them.
    await sleep(4_500);
    expect(app.get(Gauges).calls - callsAtFill).toBeGreaterThanOrEqual(3);
    expect(storeLines([...logs.error, ...logs.warn])).toEqual([
      expect.stringMatching(/^Telemetry store failed during .*ENOSPC/),
    ]);
    disk.free();
    const freedAt = app.get(Gauges).calls;
    await waitFor(
      () => receiver.reports.some((r) => Number(r.body.data.load) > freedAt),
      'a value collected after the disk was freed to be reported',
    );
    expect(storeLines(logs.log)).toEqual([
      expect.stringMatching(
        /^Telemetry store writable again after \d+ s; \d+ values could not be kept meanwhile\.$/,
      ),
    ]);
    expect(storeLines([...logs.error, ...logs.warn])).toHaveLength(1);
  }, 40_000);

  it('logs the errors outbox failing once for many captured errors, and once when it stores again', async () => {
    if (!disk) return void console.warn('tmpfs cannot be mounted here: disk-full case not run');
    const store = new FileTelemetryStore(join(disk.dir, 'errors-outbox'));
    const outbox = new ErrorsOutbox(store, resolveTelemetryOptions({ host: 'shop-1' }, {}));
    try {
      expect(await outbox.add('audit', { action: 'before' })).toBe(true);
      disk.fill();
      for (let i = 0; i < 20; i++) {
        expect(await outbox.add('audit', { action: `lost-${i}`, padding: 'x'.repeat(8_000) })).toBe(
          false,
        );
      }
      disk.free();
      expect(await outbox.add('audit', { action: 'after' })).toBe(true);
    } finally {
      await store.close();
    }
    expect(storeLines([...logs.error, ...logs.warn])).toEqual([
      expect.stringMatching(/^Telemetry store failed during append: .*ENOSPC/),
    ]);
    expect(storeLines(logs.log)).toEqual([
      expect.stringMatching(
        /^Telemetry store writable again after \d+ s; 20 values could not be kept meanwhile\.$/,
      ),
    ]);
  });
});
