import { Injectable } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import {
  Telemetry,
  TelemetryCollectionService,
  TELEMETRY_STORE,
  type TelemetryStore,
} from '../../lib';
import { lastRunValueKey } from '../../lib/telemetry.constants';
import { MemoryTelemetryStore } from '../../lib/outbox/stores/memory.store';
import { captureTelemetryLogs, startTelemetryApp } from './fixtures/telemetry-app.fixture';

interface Cyclic {
  self?: Cyclic;
}

@Injectable()
class Values {
  @Telemetry({ key: 'when' })
  when(): Date {
    return new Date('2025-08-03T10:15:30.123Z');
  }
  @Telemetry({ key: 'mixed' })
  async mixed(): Promise<unknown> {
    return { count: 3, ratio: 0.5, name: 'x 🎉', list: [1, 'a'], flag: false, nothing: null };
  }
  @Telemetry({ key: 'big' })
  big(): bigint {
    return 10n;
  }
  @Telemetry({ key: 'cycle' })
  cycle(): Cyclic {
    const value: Cyclic = {};
    value.self = value;
    return value;
  }
  @Telemetry({ key: 'fn' })
  fn(): unknown {
    return { callback: () => 1 };
  }
  @Telemetry({ key: 'nan' })
  nan(): number {
    return Number.NaN;
  }
  // A label cut to a length mid-emoji: half a surrogate pair, which has no UTF-8 form.
  @Telemetry({ key: 'torn' })
  torn(): unknown {
    return { label: 'Sale 🎉'.slice(0, 6) };
  }
  @Telemetry({ key: 'tornKey' })
  tornKey(): unknown {
    return { ['\uDE89 orphan']: 1 };
  }
}

describe('collection', () => {
  let app: TestingModule;
  let logs: ReturnType<typeof captureTelemetryLogs>;

  beforeEach(async () => {
    logs = captureTelemetryLogs();
    app = await startTelemetryApp([Values], { manualRegistration: true, host: 'box-1' });
  });

  afterEach(async () => {
    await app.close();
    logs.restore();
  });

  // Contract §5.3: what JSON cannot carry (PHP: NaN, invalid UTF-8) is refused, not sent. A lone
  // surrogate is JavaScript's invalid UTF-8: JSON.stringify writes it as `\ud83c`, which PHP's
  // json_decode refuses (JSON_ERROR_UTF16), so a Laravel-era receiver would answer 400 to the whole
  // payload and the other values of the round would go with it.
  it('stores JSON values (Dates as ISO strings) and refuses BigInt, cycles, functions, NaN and lone surrogates naming the key', async () => {
    const result = await app.get(TelemetryCollectionService).collect();
    expect(result.collected).toEqual(['when', 'mixed']);
    expect(result.failed.sort()).toEqual(['big', 'cycle', 'fn', 'nan', 'torn', 'tornKey']);
    const pending = await app.get<TelemetryStore>(TELEMETRY_STORE).pending(10);
    expect(pending.map(({ key, value, host }) => ({ key, value, host }))).toEqual([
      { key: 'when', value: '2025-08-03T10:15:30.123Z', host: 'box-1' },
      {
        key: 'mixed',
        value: { count: 3, ratio: 0.5, name: 'x 🎉', list: [1, 'a'], flag: false, nothing: null },
        host: 'box-1',
      },
    ]);
    for (const key of ['big', 'cycle', 'fn', 'nan', 'torn', 'tornKey']) {
      expect(
        logs.warn.some((line) => line.startsWith(`Method ${key} returned non-serializable data`)),
      ).toBe(true);
    }
  });

  it('remembers the last collection time under the Laravel cache key and reports what is due', async () => {
    const collection = app.get(TelemetryCollectionService);
    await collection.collect();
    const stored = await app
      .get<TelemetryStore>(TELEMETRY_STORE)
      .getValue<string>(lastRunValueKey('when'));
    expect(stored).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const again = await collection.collectDue();
    // Collected ones wait a day (the default interval); the refused ones are still due.
    expect(again.collected).toEqual([]);
    expect(again.failed.sort()).toEqual(['big', 'cycle', 'fn', 'nan', 'torn', 'tornKey']);
  });

  it('keeps the newest entries when the outbox is full and warns once', async () => {
    const bounded = await startTelemetryApp([Values], {
      manualRegistration: true,
      maxOutboxEntries: 3,
    });
    const collection = bounded.get(TelemetryCollectionService);
    await collection.collect();
    await collection.collect();
    await collection.collect();
    const pending = await bounded.get<TelemetryStore>(TELEMETRY_STORE).pending(10);
    expect(pending.map((e) => e.key)).toEqual(['mixed', 'when', 'mixed']);
    expect(
      logs.warn.filter((line) => line.startsWith('Telemetry outbox is full (3 entries)')),
    ).toHaveLength(1);
    await bounded.close();
  });

  it('lets one replica collect a key per interval through a shared store, and frees the lease when it fails', async () => {
    let healthy = false;
    @Injectable()
    class Flaky {
      @Telemetry({ key: 'flaky', interval: 3600 })
      value(): number {
        if (!healthy) throw new Error('not yet');
        return 1;
      }
    }
    const shared = new MemoryTelemetryStore();
    const options = { manualRegistration: true, store: shared };
    const [a, b] = [
      await startTelemetryApp([Flaky], options),
      await startTelemetryApp([Flaky], options),
    ];
    const collect = (app: TestingModule) => {
      const service = app.get(TelemetryCollectionService);
      return service.collect(undefined, { exclusive: true });
    };
    expect(await collect(a)).toMatchObject({ failed: ['flaky'] });
    healthy = true;
    expect(await collect(b)).toMatchObject({ collected: ['flaky'] });
    expect(await collect(a)).toMatchObject({ collected: [], skipped: ['flaky'] });
    expect(await shared.size()).toBe(1);
    await Promise.all([a.close(), b.close()]);
  });
});
