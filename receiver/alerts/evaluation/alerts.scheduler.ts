import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { RepeatingTask } from '../../common/scheduling/repeating-task';
import { RECEIVER_OPTIONS } from '../../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../../config/receiver-options.interface';
import { InjectReceiverDataSource } from '../../storage/inject-receiver-data-source.decorator';
import { storageOutageOf } from '../../storage/storage-outage.monitor';
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
      // A failing tick is retried at the next one. A database outage is the storage monitor's to
      // log (once when it starts, once when it ends): a line per tick would repeat it every
      // `intervalSeconds` for as long as the outage lasts, in every process.
      if (!storageOutageOf(this.dataSource).failed(error)) {
        this.logger.warn(AlertsMessages.evaluationFailed(String(error)));
      }
    }),
  );

  constructor(
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    private readonly engine: AlertsEngine,
    @InjectReceiverDataSource() private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    const intervalMs = this.options.alerts.intervalSeconds * 1000;
    if (intervalMs > 0) this.task.start(intervalMs, intervalMs);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
