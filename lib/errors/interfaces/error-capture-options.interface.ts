import type { TelemetryStore } from '../../outbox/interfaces/telemetry-store.interface';

/** Micrologs error severities (contract 2.2.2). */
export type ErrorSeverity = 'info' | 'warning' | 'error' | 'critical';

/** Micrologs error environments (contract 2.2.2). */
export type ErrorEnvironment = 'production' | 'staging' | 'development';

/**
 * `errors` option of `TelemetryModule`: capture of unhandled exceptions and the `AuditService`,
 * both sent to a Micrologs-compatible receiver (`ReceiverModule`, or the original engine) through
 * a durable outbox of their own.
 */
export interface TelemetryErrorsOptions {
  /**
   * Base URL of the receiver, as the Micrologs Node SDK's `host` (e.g. `https://stats.example.com`):
   * reports go to `<receiverUrl>/api/track/error.php` and `/api/track/audit.php`.
   * Env `TELEMETRY_ERRORS_URL`.
   */
  receiverUrl?: string;
  /** The project's secret key (sent as `X-API-Key`). Env `TELEMETRY_ERRORS_PROJECT_KEY`. */
  projectKey?: string;
  /**
   * Environment of every report. Env `TELEMETRY_ERRORS_ENVIRONMENT`. Default: `development` or
   * `staging` when `NODE_ENV` says so, otherwise `production`.
   */
  environment?: ErrorEnvironment;
  /**
   * Query parameters whose values are replaced by `[redacted]` in reported URLs (compared without
   * case). Env `TELEMETRY_ERRORS_REDACT_QUERY_PARAMS` (comma list). Default: `token`,
   * `access_token`, `refresh_token`, `id_token`, `code`, `key`, `api_key`, `apikey`, `password`,
   * `secret`, `signature`, `sig`, `auth`, `session`.
   */
  redactQueryParams?: string[];
  /**
   * Decides the severity of a captured error: a severity, `false` to not report it, or `undefined`
   * for the default (HTTP exceptions under 500, and the `RpcException`s and `WsException`s with
   * which microservice and WebSocket handlers answer their caller, are not reported; anything else
   * is `error`, and process-level crashes are `critical`). `status` is the `HttpException` status,
   * if any.
   */
  severity?: (error: unknown, status: number | undefined) => ErrorSeverity | false | undefined;
  /**
   * Names who acted, from the current request (the Express or Fastify request object;
   * `undefined` outside a request): stored in each report's context, and the default actor of
   * audit entries.
   */
  actor?: (request: unknown) => string | undefined | null | Promise<string | undefined | null>;
  /**
   * Also report `uncaughtException` and `unhandledRejection` of the process (severity `critical`).
   * Node's own behaviour is kept: when no other listener handles them, the process still prints
   * the error and exits with code 1, after the report reached the outbox.
   * Env `TELEMETRY_ERRORS_CAPTURE_PROCESS`. Default `false`.
   */
  captureProcessErrors?: boolean;
  /**
   * Milliseconds during which repeats of one error are counted instead of sent: the first is sent
   * at once, the repeats follow as one report carrying `occurrences`, `first_seen` and `last_seen`
   * in its context. `0` sends every occurrence. Env `TELEMETRY_ERRORS_COALESCE_WINDOW`. Default 10000.
   */
  coalesceWindow?: number;
  /** Seconds between two sends of the backlog. Env `TELEMETRY_ERRORS_SEND_INTERVAL`. Default 5. */
  sendInterval?: number;
  /**
   * Outbox of the reports. Default: one of the same kind as the telemetry outbox, beside it (a
   * `file` store keeps `errors.outbox.json` in the same folder; Redis uses its own keys). Required
   * when `store` is an instance of your own.
   */
  store?: TelemetryStore;
}
