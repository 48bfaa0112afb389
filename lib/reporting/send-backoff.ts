import type { TelemetryHttpResult } from '../transport/telemetry-http.client';
import { backoffDelay, isRetryable } from './telemetry-backoff';

/** What a sender logs about its receiver: each line once per outage or per refusing status. */
export interface SendOutageLog {
  outageStarted(reason: string, remaining: number): void;
  outageEnded(seconds: number): void;
  refused(status: number, reason: string): void;
}

/**
 * The retry state of one periodic sender (the telemetry report scheduler, the errors sender):
 * consecutive failures and the backoff they give, the `Retry-After` the receiver asked for, and
 * the outage and refusal it logs once when they start and once when an outage ends — never on
 * every attempt. Each method takes what one attempt found and returns the delay before the next.
 */
export class SendBackoff {
  private failures = 0;
  private outageSince?: number;
  private refusedStatus?: number;
  private notBefore = 0;

  constructor(
    private readonly log: SendOutageLog,
    private readonly now: () => number = Date.now,
  ) {}

  /** True after a retryable failure, until a send is accepted. */
  get failing(): boolean {
    return this.failures > 0;
  }

  /** True while a `Retry-After` of the receiver still runs: do not call it before then. */
  get waiting(): boolean {
    return this.now() < this.notBefore;
  }

  /** The store failed (not the receiver): back off the same way, the caller names the culprit. */
  storeFailed(intervalMs: number): number {
    this.failures++;
    return backoffDelay(this.failures, intervalMs);
  }

  /** A send was accepted: the receiver is back (logged if it had been away). */
  succeeded(): void {
    if (this.outageSince !== undefined) {
      this.log.outageEnded(Math.round((this.now() - this.outageSince) / 1000));
    }
    this.outageSince = undefined;
    this.failures = 0;
    this.refusedStatus = undefined;
  }

  /**
   * A send failed with `result`, `remaining` entries kept. A refusal (a key or URL problem) is
   * retried at the normal pace; anything retryable backs off, honouring `Retry-After`.
   */
  failed(result: TelemetryHttpResult, remaining: number, intervalMs: number): number {
    if (!isRetryable(result)) {
      if (this.refusedStatus !== result.status) {
        this.log.refused(result.status ?? 0, result.error ?? '');
      }
      this.refusedStatus = result.status;
      return intervalMs;
    }
    this.failures++;
    if (this.outageSince === undefined) {
      this.outageSince = this.now();
      this.log.outageStarted(result.error ?? 'unknown error', remaining);
    }
    if (result.retryAfterSeconds !== undefined) {
      this.notBefore = this.now() + result.retryAfterSeconds * 1000;
    }
    return backoffDelay(this.failures, intervalMs, result.retryAfterSeconds);
  }
}
