/** Outcome of one health check: `fail` makes the receiver unhealthy (503), `warn` does not. */
export interface HealthCheckResult {
  status: 'ok' | 'warn' | 'fail';
  message: string;
  /** Further fields shown with the check (e.g. `version`). */
  [detail: string]: unknown;
}

/**
 * One named check of `GET /api/health.php` (the @nestjs/terminus indicator idea). Register more
 * through `HealthIndicatorRegistry.register()`; a name already taken is replaced, so a feature
 * can supply a richer `geoip` or add `queue`.
 */
export interface ReceiverHealthIndicator {
  readonly name: string;
  check(): Promise<HealthCheckResult>;
}
