/** Header carrying the unix time (seconds) that a `timestamped` signature covers. */
export const TIMESTAMP_HEADER = 'X-Telemetry-Timestamp';

/** Header naming the payload encryption scheme; its only value today is {@link ENCRYPTION_SCHEME}. */
export const ENCRYPTION_HEADER = 'X-Telemetry-Encryption';

/** The one encryption scheme this package speaks. */
export const ENCRYPTION_SCHEME = 'aes-256-gcm';

/**
 * Key under which the token fetched from `authTokenUrl` is kept in the telemetry store: the Laravel
 * package's cache key, so tooling that inspects one can inspect the other.
 */
export const AUTH_TOKEN_STORE_KEY = 'laravel-telemetry-reporter:auth_token';

/**
 * Headers `customHeaders` may not replace: they carry the credentials, the integrity proof and the
 * body's type, so letting configuration override them would silently break authentication or
 * verification on the receiver (the Laravel package lets them be overridden; we refuse, with a warning).
 */
export const PROTECTED_HEADER_NAMES: readonly string[] = [
  'authorization',
  'content-type',
  TIMESTAMP_HEADER.toLowerCase(),
  ENCRYPTION_HEADER.toLowerCase(),
];
