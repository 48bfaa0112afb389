import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { unrefTimeout } from '../../../lib/scheduler/telemetry-timers';
import { RECEIVER_OPTIONS } from '../../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../../config/receiver-options.interface';
import { AlertsMessages } from '../alerts.messages';
import { AlertsEngine } from './alerts.engine';

/**
 * Runs {@link AlertsEngine.tick} every `alerts.intervalSeconds` in serving receivers and queue
 * workers (CLI commands do not load it). The timer is unref'd; a shutdown waits for the tick in
 * progress, so a delivery being sent is settled, not left leased.
 */
@Injectable()
export class AlertsScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ReceiverAlerts');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    private readonly engine: AlertsEngine,
  ) {}

  private get intervalMs(): number {
    return this.options.alerts.intervalSeconds * 1000;
  }

  onApplicationBootstrap(): void {
    if (this.intervalMs > 0) this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    this.timer = unrefTimeout(() => {
      this.running = this.engine
        .tick()
        .catch((error: unknown) => {
          // A failing tick (database down) is logged and retried at the next one.
          this.logger.warn(AlertsMessages.evaluationFailed(String(error)));
        })
        .finally(() => {
          this.running = undefined;
          if (!this.stopping) this.schedule();
        });
    }, this.intervalMs);
  }
}
