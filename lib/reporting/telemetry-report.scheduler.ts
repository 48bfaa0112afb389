import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { TelemetryOutbox } from '../outbox/telemetry-outbox.service';
import { TelemetryTimers } from '../scheduler/telemetry-timers';
import { TELEMETRY_OPTIONS, TELEMETRY_TIMER_PREFIX } from '../telemetry.constants';
import { TelemetryMessages } from '../telemetry.messages';
import { SendBackoff } from './send-backoff';
import { TelemetryReporter, type TelemetryReportOutcome } from './telemetry.reporter';

/** Name of the report timer in the `SchedulerRegistry`. */
export const REPORT_TIMER_NAME = `${TELEMETRY_TIMER_PREFIX}report`;

/**
 * Sends the backlog every `reportInterval` seconds, backs off while the receiver fails, and makes
 * one bounded last attempt on shutdown. An outage is logged when it starts and when it ends, not
 * on every tick. Nothing here throws into the application.
 */
@Injectable()
export class TelemetryReportScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Telemetry');
  private readonly backoff = new SendBackoff({
    outageStarted: (reason, remaining) =>
      this.logger.warn(TelemetryMessages.outageStarted(reason, remaining)),
    outageEnded: (seconds) => this.logger.log(TelemetryMessages.outageEnded(seconds)),
    refused: (status) => this.logger.error(TelemetryMessages.clientError(status)),
  });
  private unconfiguredLogged = false;
  private inFlight?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly reporter: TelemetryReporter,
    private readonly outbox: TelemetryOutbox,
    private readonly timers: TelemetryTimers,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.enabled || this.options.manualRegistration) return;
    this.schedule(this.options.reportInterval * 1000);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.clearTimer();
    if (!this.options.enabled || this.options.manualRegistration) return;
    const limit = this.options.shutdownTimeout;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), limit);
    });
    // Respect a Retry-After still running: the receiver asked us not to come back yet.
    const work = (this.inFlight ?? Promise.resolve()).then(() =>
      this.backoff.waiting ? undefined : this.attempt(),
    );
    const winner = await Promise.race([work.then(() => 'done' as const), expired]);
    clearTimeout(timer);
    if (winner === 'expired') this.logger.warn(TelemetryMessages.shutdownFlushTimedOut(limit));
  }

  private schedule(delay: number): void {
    this.clearTimer();
    this.timers.once(REPORT_TIMER_NAME, delay, () => {
      this.inFlight = this.attempt().then((next) => {
        this.inFlight = undefined;
        if (!this.stopped) this.schedule(next);
      });
    });
  }

  private clearTimer(): void {
    this.timers.clear(REPORT_TIMER_NAME);
  }

  /** Sends once and returns the delay before the next attempt. */
  private async attempt(): Promise<number> {
    const interval = this.options.reportInterval * 1000;
    let outcome: TelemetryReportOutcome;
    try {
      outcome = await this.reporter.sendBacklog();
    } catch (error) {
      // Only the store can throw here (the HTTP client reports failures as results): back off
      // like an outage, but name the real culprit.
      this.outbox.faults.down(error, { during: 'report' });
      return this.backoff.storeFailed(interval);
    }
    if (this.stopped) {
      // The final send on shutdown: one line at most, no outage bookkeeping for a stopped app.
      if (outcome.status === 'failed') {
        this.logger.warn(
          TelemetryMessages.shutdownSendFailed(
            outcome.result.error ?? 'unknown error',
            outcome.remaining,
          ),
        );
      }
      return interval;
    }
    if (outcome.status === 'unconfigured') {
      if (!this.unconfiguredLogged) this.logger.error(TelemetryMessages.serverUrlMissing());
      this.unconfiguredLogged = true;
      return interval;
    }
    // Only an accepted payload proves the receiver is back; an empty outbox or another
    // replica's lock says nothing about it.
    if (outcome.status === 'sent') {
      this.backoff.succeeded();
      return interval;
    }
    if (outcome.status !== 'failed') return interval;
    return this.backoff.failed(outcome.result, outcome.remaining, interval);
  }
}
