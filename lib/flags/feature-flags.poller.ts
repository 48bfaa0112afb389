import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { backoffDelay } from '../reporting/telemetry-backoff';
import { TelemetryTimers } from '../scheduler/telemetry-timers';
import { TELEMETRY_OPTIONS } from '../telemetry.constants';
import { resolveFlagsUrl } from '../transport/flags-url';
import { errorText } from '../outbox/telemetry-outbox.service';
import {
  FeatureFlagsSynchronizer,
  type FeatureFlagsSyncResult,
} from './feature-flags.synchronizer';
import { FLAGS_POLL_TIMER } from './flags.constants';
import { FlagsMessages } from './flags.messages';

/** Delay between bootstrap and the first fetch, so start-up is never slowed down by the network. */
const FIRST_POLL_DELAY_MS = 1_000;

/**
 * Fetches the flags every `flagsPollInterval` seconds (0: only the flags that come with reports).
 * A failing endpoint is logged once, retried with a growing, jittered delay that honours
 * `Retry-After`, and its recovery is logged; the last known flags stay in use meanwhile.
 */
@Injectable()
export class FeatureFlagsPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('TelemetryFlags');
  private failures = 0;
  private stopped = false;

  constructor(
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
    private readonly synchronizer: FeatureFlagsSynchronizer,
    private readonly timers: TelemetryTimers,
  ) {}

  onApplicationBootstrap(): void {
    const { enabled, manualRegistration, flagsPollInterval } = this.options;
    if (!enabled || manualRegistration || flagsPollInterval === 0) return;
    if (!resolveFlagsUrl(this.options)) {
      this.logger.warn(FlagsMessages.flagsUrlMissing());
      return;
    }
    this.schedule(FIRST_POLL_DELAY_MS);
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    this.unschedule();
  }

  /** Runs one poll and plans the next; exposed for tests and for callers that want a poll now. */
  async poll(): Promise<void> {
    let result: FeatureFlagsSyncResult;
    try {
      result = await this.synchronizer.syncNow();
    } catch (error) {
      // The synchronizer reports failures as results; this only guards the timer callback.
      result = { ok: false, notModified: false, changes: [], error: errorText(error) };
    }
    if (this.stopped) return;
    const interval = this.options.flagsPollInterval;
    if (result.ok) {
      if (this.failures > 0) this.logger.log(FlagsMessages.pollRecovered());
      this.failures = 0;
      this.schedule(interval * 1000);
      return;
    }
    this.failures += 1;
    // The reporter's backoff: the interval doubled per failure, capped, jittered, Retry-After honoured.
    const delayMs = backoffDelay(this.failures, interval * 1000, result.retryAfterSeconds);
    // One warning per outage, not one per attempt.
    if (this.failures === 1) {
      this.logger.warn(
        FlagsMessages.pollFailed(result.error ?? 'unknown', Math.round(delayMs / 1000)),
      );
    }
    this.schedule(delayMs);
  }

  private schedule(ms: number): void {
    this.unschedule();
    this.timers.once(FLAGS_POLL_TIMER, ms, () => void this.poll());
  }

  private unschedule(): void {
    this.timers.clear(FLAGS_POLL_TIMER);
  }
}
