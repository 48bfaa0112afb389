import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { errorText } from '../outbox/telemetry-outbox.service';
import { TelemetryTimers } from '../scheduler/telemetry-timers';
import {
  FIRST_COLLECTION_DELAY_MS,
  MAX_TIMER_PERIOD_MS,
  TELEMETRY_OPTIONS,
  TELEMETRY_TIMER_PREFIX,
} from '../telemetry.constants';
import { TelemetryMessages } from '../telemetry.messages';
import type { TelemetryCollector } from './interfaces/telemetry-collector.interface';
import { TelemetryCollectionService } from './telemetry-collection.service';
import { TelemetryRegistry } from './telemetry.registry';

/** Name of a collector's timer in the `SchedulerRegistry`. */
export const collectorTimerName = (key: string): string =>
  `${TELEMETRY_TIMER_PREFIX}collect:${key}`;

/**
 * Mounts one timer per collector in the `SchedulerRegistry` after bootstrap and removes them
 * before shutdown. The first collection happens shortly after start (or when the collector falls
 * due, if the store remembers a recent collection); then every interval.
 */
@Injectable()
export class TelemetryOrchestrator implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Telemetry');
  private readonly names = new Set<string>();
  private stopped = false;

  constructor(
    private readonly registry: TelemetryRegistry,
    private readonly collection: TelemetryCollectionService,
    private readonly timers: TelemetryTimers,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.enabled || this.options.manualRegistration) return;
    const now = Date.now();
    const statuses = await this.collection.getStatuses(new Date(now));
    for (const { collector, nextDueAt } of statuses) {
      const delay = Math.max(FIRST_COLLECTION_DELAY_MS, nextDueAt.getTime() - now);
      this.scheduleFirst(collector, delay);
    }
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    for (const name of this.names) this.timers.clear(name);
    this.names.clear();
  }

  private scheduleFirst(collector: TelemetryCollector, delay: number): void {
    const name = collectorTimerName(collector.key);
    const period = Math.min(collector.interval * 1000, MAX_TIMER_PERIOD_MS);
    this.names.add(name);
    this.timers.once(name, Math.min(delay, period), () => {
      if (this.stopped) return;
      this.timers.every(name, period, () => this.tick(collector, period));
      this.tick(collector, period);
    });
  }

  private tick(collector: TelemetryCollector, period: number): void {
    this.collectIfDue(collector, period < collector.interval * 1000).catch((error: unknown) =>
      this.logger.error(TelemetryMessages.collectorFailed(collector.key, errorText(error))),
    );
  }

  private async collectIfDue(collector: TelemetryCollector, checkDue: boolean): Promise<void> {
    if (checkDue) {
      const last = await this.collection.lastCollectedAt(collector.key);
      if (last && last.getTime() + collector.interval * 1000 > Date.now()) return;
    }
    // A store shared by replicas needs the per-key lease; a private store does not.
    const exclusive = this.options.store.type === 'redis' || this.options.store.type === 'custom';
    await this.collection.collect([collector], { exclusive });
  }
}
