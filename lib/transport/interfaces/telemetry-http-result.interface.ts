/** Outcome of one report request; never an exception. */
export interface TelemetryHttpResult {
  /** The server answered 2xx. */
  ok: boolean;
  /** HTTP status; `undefined` when no response arrived (network error, timeout, no token). */
  status?: number;
  /** Parsed JSON body, if any. */
  body?: unknown;
  /** Seconds from `Retry-After` on 429/503. */
  retryAfterSeconds?: number;
  /** Human-readable reason when `!ok`. */
  error?: string;
}
