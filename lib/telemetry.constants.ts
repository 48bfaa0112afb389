import { SIGNATURE_HEADER } from './protocol';

/** Injection token of the fully resolved options ({@link ResolvedTelemetryOptions}). */
export const TELEMETRY_OPTIONS = 'TELEMETRY_OPTIONS';

/** Injection token of the outbox store ({@link TelemetryStore}). */
export const TELEMETRY_STORE = 'TELEMETRY_STORE';

/**
 * Injection token of the `SchedulerRegistry` holding the telemetry timers: the application's own
 * when it imports `ScheduleModule.forRoot()`, otherwise a private one.
 */
export const TELEMETRY_SCHEDULER_REGISTRY = 'TELEMETRY_SCHEDULER_REGISTRY';

/** Reflect-metadata key set by `@Telemetry()`. */
export const TELEMETRY_COLLECTOR_METADATA = 'nestjs-telemetry:collector';

/** Reflect-metadata key set by `@TelemetryResponseHandler()`. */
export const TELEMETRY_RESPONSE_HANDLER_METADATA = 'nestjs-telemetry:response-handler';

/** Sent as `User-Agent` on every report request. */
export const TELEMETRY_USER_AGENT = 'nestjs-telemetry/0.1';

/** Prefix of every timer this package adds to the `SchedulerRegistry`. */
export const TELEMETRY_TIMER_PREFIX = 'telemetry:';

/**
 * Key-value key holding the last collection time of a collector. Same format as the Laravel
 * package's cache key, so tooling that inspects one can inspect the other.
 */
export const lastRunValueKey = (key: string): string =>
  `laravel-telemetry-reporter:${key}:last-run-time`;

/** Delay between bootstrap and the first collection, so start-up is never slowed down. */
export const FIRST_COLLECTION_DELAY_MS = 1_000;

/**
 * Longest period a collector timer runs with. Node timers overflow above 2^31-1 ms (~24.8 days)
 * and would then fire every millisecond; collectors with longer intervals tick daily and run when due.
 */
export const MAX_TIMER_PERIOD_MS = 86_400_000;

/** Defaults of the options that have one. */
export const TELEMETRY_DEFAULTS = {
  enabled: true,
  defaultInterval: 86_400,
  reportInterval: 60,
  storePath: '.telemetry/outbox.json',
  verboseLogging: false,
  requestTimeout: 30_000,
  maxOutboxEntries: 10_000,
  maxDeadLetters: 1_000,
  collectorTimeout: 10_000,
  shutdownTimeout: 5_000,
  signingHeader: SIGNATURE_HEADER,
  signingMode: 'compatible',
  flagsPollInterval: 60,
} as const;
