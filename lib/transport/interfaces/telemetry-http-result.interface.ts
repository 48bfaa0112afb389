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
