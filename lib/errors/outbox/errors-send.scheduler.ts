import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { ResolvedTelemetryOptions } from '../../options/resolved-telemetry-options.interface';
import { SendBackoff } from '../../reporting/send-backoff';
import { TelemetryTimers } from '../../scheduler/telemetry-timers';
import { TELEMETRY_OPTIONS } from '../../telemetry.constants';
import { ERRORS_TIMER_NAME } from '../errors.constants';
import { ErrorsMessages } from '../errors.messages';
import { ErrorsOutbox } from './errors.outbox';
import { ErrorsSender } from './errors.sender';
import { ErrorCaptureService } from '../capture/error-capture.service';

/** Delay between a new report and its send, so a handful arriving together share one round. */
const NUDGE_DELAY_MS = 250;

/**
 * Sends the errors outbox soon after each new entry and every `sendInterval` seconds, backs off
 * (with jitter, honouring `Retry-After`) while the receiver fails, logs an outage once when it
 * starts and once when it ends, and makes one bounded last attempt on shutdown.
 */
@Injectable()
export class ErrorsSendScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('TelemetryErrors');
  private readonly backoff = new SendBackoff({
    outageStarted: (reason, remaining) =>
      this.logger.warn(ErrorsMessages.outageStarted(reason, remaining)),
    outageEnded: (seconds) => this.logger.log(ErrorsMessages.outageEnded(seconds)),
    // A key or URL problem: logged once per status, retried at the normal pace.
    refused: (status, reason) => this.logger.error(ErrorsMessages.refusedKept(status, reason)),
  });
  private inFlight?: Promise<void>;
  private running = false;

  constructor(
    private readonly sender: ErrorsSender,
    private readonly outbox: ErrorsOutbox,
    private readonly capture: ErrorCaptureService,
    private readonly timers: TelemetryTimers,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
  ) {}

  onApplicationBootstrap(): void {
    const { errors, enabled, manualRegistration } = this.options;
    if (!errors || !enabled || manualRegistration) return;
    this.running = true;
    this.outbox.onAdded(() => this.nudge());
    this.schedule(NUDGE_DELAY_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.timers.clear(ERRORS_TIMER_NAME);
    await this.capture.flushBursts();
    await this.flush(this.options.shutdownTimeout, true);
  }

  /**
   * Waits for pending appends, then sends what it can within `timeoutMs` (used on shutdown and
   * before a fatal exit). Never throws.
   */
  async flush(timeoutMs: number, final = false): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    });
    const work = (async () => {
      await this.outbox.settled();
      await this.inFlight;
      if (this.backoff.waiting) return;
      const outcome = await this.sender.sendBacklog(deadline).catch(() => undefined);
      if (final && outcome?.status === 'failed') {
        this.logger.warn(
          ErrorsMessages.shutdownSendFailed(outcome.result.error ?? 'unknown', outcome.remaining),
        );
      }
    })();
    await Promise.race([work, expired]);
    clearTimeout(timer);
  }

  private nudge(): void {
    if (!this.running || this.inFlight || this.backoff.waiting || this.backoff.failing) return;
    this.schedule(NUDGE_DELAY_MS);
  }

  private schedule(delay: number): void {
    this.timers.once(ERRORS_TIMER_NAME, delay, () => {
      this.inFlight = this.attempt().then((next) => {
        this.inFlight = undefined;
        if (this.running) this.schedule(next);
      });
    });
  }

  /** Sends once and returns the delay before the next attempt. */
  private async attempt(): Promise<number> {
    const interval = this.options.errors!.sendInterval * 1000;
    let outcome;
    try {
      outcome = await this.sender.sendBacklog();
    } catch (error) {
      this.outbox.faults.down(error, { during: 'errors send' });
      return this.backoff.storeFailed(interval);
    }
    if (outcome.status === 'failed') {
      return this.backoff.failed(outcome.result, outcome.remaining, interval);
    }
    if (outcome.status === 'sent') {
      this.backoff.succeeded();
      if (outcome.sent > 0) this.outbox.faults.up();
    }
    return interval;
  }
}
