import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { RepeatingTask } from '../../common/scheduling/repeating-task';
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
  private readonly task = new RepeatingTask(() =>
    this.engine.tick().catch((error: unknown) => {
      // A failing tick (database down) is logged and retried at the next one.
      this.logger.warn(AlertsMessages.evaluationFailed(String(error)));
    }),
  );

  constructor(
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    private readonly engine: AlertsEngine,
  ) {}

  onApplicationBootstrap(): void {
    const intervalMs = this.options.alerts.intervalSeconds * 1000;
    if (intervalMs > 0) this.task.start(intervalMs, intervalMs);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
