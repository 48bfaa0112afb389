import { Injectable } from '@nestjs/common';
import { Telemetry, TELEMETRY_STORE, type TelemetryStore } from '../../lib';
import { startTelemetryApp } from './fixtures/telemetry-app.fixture';

const DAY = 86_400_000;

describe('collectors with intervals beyond the Node timer limit (fake timers)', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('collects a 40-day collector once after start and again only 40 days later', async () => {
    @Injectable()
    class Monthly {
      calls = 0;
      @Telemetry({ key: 'licences', interval: 40 * 86_400 })
      licences(): number {
        return ++this.calls;
      }
    }
    const app = await startTelemetryApp([Monthly], { reportInterval: 3600 });
    const monthly = app.get(Monthly);
    await jest.advanceTimersByTimeAsync(1_500);
    expect(monthly.calls).toBe(1);
    await jest.advanceTimersByTimeAsync(39 * DAY);
    expect(monthly.calls).toBe(1);
    await jest.advanceTimersByTimeAsync(DAY + 1_000);
    expect(monthly.calls).toBe(2);
    expect(
      (await app.get<TelemetryStore>(TELEMETRY_STORE).pending(10)).map((e) => e.value),
    ).toEqual([1, 2]);
    await app.close();
  });
});
