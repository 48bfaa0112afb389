import { inspect } from 'node:util';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { ResolvedTelemetryOptions } from '../../options/resolved-telemetry-options.interface';
import { TELEMETRY_OPTIONS } from '../../telemetry.constants';
import { ErrorsMessages } from '../errors.messages';
import { ErrorsSendScheduler } from '../outbox/errors-send.scheduler';
import { ErrorCaptureService } from './error-capture.service';

/**
 * Opt-in (`errors.captureProcessErrors`) reports of `uncaughtException` and `unhandledRejection`,
 * severity `critical`. Listening changes what Node does, so Node's default is reproduced whenever
 * this is the only listener: an uncaught exception (or an unhandled rejection, which Node raises as
 * one) prints the error and exits with code 1 — after the report reached the outbox and one send was
 * tried, within `shutdownTimeout`. When the application listens too, it decides what happens next.
 */
@Injectable()
export class ProcessErrorsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TelemetryErrors');
  /** Rejections raised again as exceptions: reported once, not twice. */
  private readonly raised = new WeakSet<object>();
  private installed = false;

  constructor(
    private readonly capture: ErrorCaptureService,
    private readonly scheduler: ErrorsSendScheduler,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
  ) {}

  onApplicationBootstrap(): void {
    const { errors, manualRegistration } = this.options;
    if (!this.capture.active || !errors?.captureProcessErrors || manualRegistration) return;
    process.on('uncaughtException', this.onException);
    process.on('unhandledRejection', this.onRejection);
    this.installed = true;
  }

  onApplicationShutdown(): void {
    if (!this.installed) return;
    process.off('uncaughtException', this.onException);
    process.off('unhandledRejection', this.onRejection);
    this.installed = false;
  }

  private readonly onException = (error: unknown): void => {
    const reported =
      typeof error === 'object' && error !== null && this.raised.has(error)
        ? Promise.resolve()
        : this.report(error);
    if (process.listenerCount('uncaughtException') > 1) return;
    void this.exitAfter(reported, error);
  };

  private readonly onRejection = (reason: unknown): void => {
    const reported = this.report(reason);
    if (process.listenerCount('unhandledRejection') > 1) return;
    if (process.listenerCount('uncaughtException') > 1) {
      // Node hands an unhandled rejection to the uncaughtException listeners: so do we.
      const error = reason instanceof Error ? reason : new Error(inspect(reason));
      this.raised.add(error);
      process.nextTick(() => {
        throw error;
      });
      return;
    }
    void this.exitAfter(reported, reason);
  };

  private async report(error: unknown): Promise<void> {
    await this.capture.report(error, { kind: 'process' }, undefined, undefined, 'critical');
  }

  private async exitAfter(reported: Promise<void>, error: unknown): Promise<never> {
    const limit = this.options.shutdownTimeout;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), limit);
    });
    const done = (async () => {
      await reported;
      await this.capture.flushBursts();
      await this.scheduler.flush(limit);
      return 'done' as const;
    })();
    if ((await Promise.race([done, expired])) === 'expired') {
      this.logger.warn(ErrorsMessages.fatalFlushTimedOut(limit));
    }
    clearTimeout(timer);
    process.stderr.write(`${inspect(error)}\n`);
    process.exit(1);
  }
}
