import type { HealthCheckResult, ReceiverHealthIndicator } from '../health';
import { LifecycleMessages } from './lifecycle.messages';
import type { PurgeReport } from './purge.service';

/** What the `purge` check reads from the scheduler. */
export interface PurgeState {
  readonly intervalMs: number;
  readonly nextRunAt: Date | undefined;
  readonly lastReport: PurgeReport | undefined;
  readonly lastError: string | undefined;
}

/**
 * The `purge` health check: when the next purge runs and what the last one did. A failed purge
 * is a `warn` — the receiver still serves; old data just stays until a later run succeeds.
 */
export class PurgeHealthIndicator implements ReceiverHealthIndicator {
  readonly name = 'purge';

  constructor(private readonly state: PurgeState) {}

  async check(): Promise<HealthCheckResult> {
    const { intervalMs, nextRunAt, lastReport, lastError } = this.state;
    const last = lastReport && {
      started_at: lastReport.startedAt.toISOString(),
      duration_ms: lastReport.durationMs,
      ran: lastReport.ran,
      rows: lastReport.rows,
    };
    return {
      status: lastError ? 'warn' : 'ok',
      message: lastError
        ? `${LifecycleMessages.healthFailed}: ${lastError}`
        : intervalMs === 0
          ? LifecycleMessages.healthOff
          : lastReport
            ? LifecycleMessages.healthOk
            : LifecycleMessages.healthIdle,
      interval_minutes: intervalMs / 60_000,
      next_run_at: nextRunAt?.toISOString() ?? null,
      last_run: last ?? null,
    };
  }
}
