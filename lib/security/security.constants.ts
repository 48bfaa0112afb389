import { ENCRYPTION_HEADER, TIMESTAMP_HEADER } from '../protocol';

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
