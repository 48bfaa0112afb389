import type { TelemetryHttpResult } from '../transport/telemetry-http.client';

/** Longest wait between two attempts while the receiver is failing. */
export const MAX_BACKOFF_MS = 15 * 60_000;

/**
 * A failure worth retrying soon: no answer, 408, 429 or 5xx. Other 4xx mean the receiver refuses
 * this report (bad token, unknown host, too large): retrying faster would not help.
 */
export const isRetryable = (result: TelemetryHttpResult): boolean =>
  result.status === undefined ||
  result.status === 408 ||
  result.status === 429 ||
  result.status >= 500;

/**
 * Delay before the next attempt after `failures` consecutive retryable failures: the report
 * interval doubled per failure, capped, with jitter (50–100 %) so replicas of many installs do not
 * hit a recovering receiver together. `Retry-After` from the receiver wins when longer.
 */
export function backoffDelay(
  failures: number,
  reportIntervalMs: number,
  retryAfterSeconds?: number,
  random: () => number = Math.random,
): number {
  const cap = Math.max(reportIntervalMs, MAX_BACKOFF_MS);
  const exponential = Math.min(cap, reportIntervalMs * 2 ** Math.max(0, failures - 1));
  const jittered = Math.round(exponential * (0.5 + random() * 0.5));
  const asked = retryAfterSeconds === undefined ? 0 : retryAfterSeconds * 1000;
  return Math.max(jittered, asked);
}
