import type { FeatureFlagValue } from '../../flags/interfaces/feature-flags.interface';

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
  /**
   * Most rounds per batch the receiver accepts (its `X-Telemetry-Accept-Batch` answer header);
   * `undefined` for a receiver that takes one payload per round (laravel-era ones).
   */
  acceptBatch?: number;
  /** The body was too large for the receiver (413), or for a batch request (not sent). */
  tooLarge?: boolean;
  /** Human-readable reason when `!ok`. */
  error?: string;
}

/** Outcome of one flags request; never an exception. */
export interface TelemetryFlagsResult {
  /** 2xx with a readable set of flags, or 304. */
  ok: boolean;
  /** The server answered 304 to `If-None-Match`: the flags we hold are current. */
  notModified: boolean;
  status?: number;
  /** The complete set of flags (on 2xx). */
  flags?: Record<string, FeatureFlagValue>;
  /** The answer's `ETag`, to send as `If-None-Match` next time. */
  etag?: string;
  retryAfterSeconds?: number;
  error?: string;
}
