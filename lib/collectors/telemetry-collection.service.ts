import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import type {
  OutboxEntryInput,
  TelemetryLock,
  TelemetryStore,
} from '../outbox/interfaces/telemetry-store.interface';
import { errorText, TelemetryOutbox } from '../outbox/telemetry-outbox.service';
import { lastRunValueKey, TELEMETRY_OPTIONS, TELEMETRY_STORE } from '../telemetry.constants';
import { TelemetryMessages } from '../telemetry.messages';
import { toUtcSecond } from '../protocol';
import { unrefTimeout } from '../scheduler/telemetry-timers';
import type {
  TelemetryCollector,
  TelemetryCollectorStatus,
} from './interfaces/telemetry-collector.interface';
import { toJsonValue } from './json-value';
import { TelemetryRegistry } from './telemetry.registry';

/** What one call to {@link TelemetryCollectionService.collect} did. */
export interface TelemetryCollectionResult {
  /** Keys whose value is now in the outbox. */
  collected: string[];
  /** Keys that threw, timed out, returned a non-JSON value or were still running. */
  failed: string[];
  /** Keys another replica collected within their interval (shared stores only). */
  skipped: string[];
}

const TIMED_OUT = Symbol('timed out');

/**
 * Runs collectors and puts their values in the outbox. A collector that throws, hangs or returns
 * something JSON cannot carry is logged and left out; the others of the round go on.
 */
@Injectable()
export class TelemetryCollectionService {
  private readonly logger = new Logger('Telemetry');
  private readonly running = new Set<string>();

  /** @internal Nest creates this service; its dependencies are the package's own. */
  constructor(
    private readonly registry: TelemetryRegistry,
    private readonly outbox: TelemetryOutbox,
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
  ) {}

  /**
   * Collects the given collectors now, concurrently, and appends their values in one batch in the
   * given order. With `exclusive`, a collector runs only if no process sharing the store collected
   * it within its interval (a lease per key), which keeps replicas from reporting twice.
   */
  async collect(
    collectors: TelemetryCollector[] = this.registry.getCollectors(),
    { exclusive = false }: { exclusive?: boolean } = {},
  ): Promise<TelemetryCollectionResult> {
    const result: TelemetryCollectionResult = { collected: [], failed: [], skipped: [] };
    const runs = collectors.map(async (collector) => {
      const lease = exclusive ? await this.claim(collector) : undefined;
      if (exclusive && !lease) return 'skipped' as const;
      const outcome = await this.run(collector);
      // A failed run gives the lease back, so another replica may collect this interval.
      if (!outcome && lease) await lease.release().catch(() => undefined);
      return outcome;
    });
    const outcomes = await Promise.all(runs);
    const entries: OutboxEntryInput[] = [];
    outcomes.forEach((outcome, index) => {
      const { key } = collectors[index];
      if (outcome === 'skipped') result.skipped.push(key);
      else if (outcome === undefined) result.failed.push(key);
      else
        entries.push({
          key,
          value: outcome.value,
          collectedAt: outcome.at.toISOString(),
          host: this.options.host,
          ...(collectors[index].meta && { meta: collectors[index].meta }),
        });
    });
    if (entries.length > 0 && (await this.outbox.add(entries))) {
      result.collected.push(...entries.map((entry) => entry.key));
      await this.remember(entries);
    } else {
      result.failed.push(...entries.map((entry) => entry.key));
    }
    return result;
  }

  /** Collects the collectors whose interval has elapsed since their last collection. */
  async collectDue(now = new Date()): Promise<TelemetryCollectionResult> {
    const statuses = await this.getStatuses(now);
    const due = statuses
      .filter((s) => s.nextDueAt.getTime() <= now.getTime())
      .map((s) => s.collector);
    return this.collect(due);
  }

  /** Every collector with its last collection time (read from the store) and next due time. */
  async getStatuses(now = new Date()): Promise<TelemetryCollectorStatus[]> {
    return Promise.all(
      this.registry.getCollectors().map(async (collector) => {
        const lastCollectedAt = await this.lastCollectedAt(collector.key);
        const nextDueAt = lastCollectedAt
          ? new Date(lastCollectedAt.getTime() + collector.interval * 1000)
          : now;
        return { collector, lastCollectedAt, nextDueAt };
      }),
    );
  }

  async lastCollectedAt(key: string): Promise<Date | undefined> {
    try {
      const stored = await this.store.getValue<string>(lastRunValueKey(key));
      const time = typeof stored === 'string' ? Date.parse(stored) : NaN;
      return Number.isNaN(time) ? undefined : new Date(time);
    } catch (error) {
      this.outbox.faults.down(error, { during: 'read of the last collection time' });
      return undefined;
    }
  }

  private async claim(collector: TelemetryCollector): Promise<TelemetryLock | undefined> {
    // Slightly shorter than the interval, so the owner's next tick always finds the lease expired.
    const ttl = collector.interval * 1000 - Math.min(1000, collector.interval * 100);
    try {
      return await this.store.acquireLock(`collect:${collector.key}`, ttl);
    } catch (error) {
      this.outbox.faults.down(error, { during: 'collection lease' });
      return undefined;
    }
  }

  private async run(
    collector: TelemetryCollector,
  ): Promise<{ value: unknown; at: Date } | undefined> {
    const { key } = collector;
    if (this.running.has(key)) {
      this.logger.warn(TelemetryMessages.collectorStillRunning(key));
      return undefined;
    }
    this.running.add(key);
    const at = new Date();
    const call = Promise.resolve()
      .then(() => collector.invoke())
      .finally(() => this.running.delete(key));
    try {
      const value = await withTimeout(call, collector.timeout);
      if (value === TIMED_OUT) {
        this.logger.warn(TelemetryMessages.collectorTimedOut(key, collector.timeout));
        return undefined;
      }
      const checked = toJsonValue(value);
      if (!checked.ok) {
        this.logger.warn(TelemetryMessages.notSerializable(key, checked.reason));
        return undefined;
      }
      return { value: checked.value, at };
    } catch (error) {
      this.logger.warn(TelemetryMessages.collectorFailed(key, errorText(error)));
      return undefined;
    }
  }

  private async remember(entries: OutboxEntryInput[]): Promise<void> {
    const values = Object.fromEntries(
      entries.map((entry) => [
        lastRunValueKey(entry.key),
        toUtcSecond(new Date(entry.collectedAt)),
      ]),
    );
    try {
      await this.store.setValues(values);
    } catch (error) {
      this.outbox.faults.down(error, { during: 'write of the last collection time' });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  if (ms === 0) return promise;
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = unrefTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
}
