import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { RepeatingTask } from '../common/scheduling/repeating-task';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import { HealthIndicatorRegistry } from '../health/health-indicator.registry';
import { FIRST_PURGE_DELAY_MS } from './lifecycle.constants';
import { LifecycleMessages } from './lifecycle.messages';
import { PurgeHealthIndicator } from './purge.health-indicator';
import { PurgeService, type PurgeReport } from './purge.service';

/**
 * Runs the purge every `purgeIntervalMinutes` in a serving receiver (never in CLI processes,
 * which do not load this module). Its timer is unref'd, so it never keeps a process alive; a
 * shutdown stops a running purge between two batches and waits for it.
 */
@Injectable()
export class PurgeScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ReceiverPurge');
  private readonly task = new RepeatingTask(() => this.runOnce());
  lastReport: PurgeReport | undefined;
  lastError: string | undefined;

  constructor(
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    private readonly purge: PurgeService,
    health: HealthIndicatorRegistry,
  ) {
    health.register(new PurgeHealthIndicator(this));
  }

  /** Milliseconds between two runs; 0 = the timer is off. */
  get intervalMs(): number {
    return this.options.purgeIntervalMinutes * 60_000;
  }

  /** When the next purge starts (`undefined` while one runs, or with the timer off). */
  get nextRunAt(): Date | undefined {
    return this.task.nextRunAt;
  }

  onApplicationBootstrap(): void {
    if (this.intervalMs > 0)
      this.task.start(Math.min(FIRST_PURGE_DELAY_MS, this.intervalMs), this.intervalMs);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  private async runOnce(): Promise<void> {
    try {
      this.lastReport = await this.purge.run({ shouldStop: () => this.task.stopping });
      this.lastError = undefined;
    } catch (error) {
      // A failing purge must never take the receiver down: it is logged, shown in health and
      // retried at the next interval.
      this.lastError = error instanceof Error ? error.message : String(error);
      this.logger.error(LifecycleMessages.purgeFailed(this.lastError));
    }
  }
}
