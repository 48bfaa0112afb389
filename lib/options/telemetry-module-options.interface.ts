import type { TelemetryErrorsOptions } from '../errors/interfaces/error-capture-options.interface';
import type { TelemetryStore } from '../outbox/interfaces/telemetry-store.interface';

/** HMAC signing of report requests (README: "Transport security"). */
export interface TelemetrySigningOptions {
  /** Sign every report request. Env `TELEMETRY_SIGNING_ENABLED`. Default `false`. */
  enabled?: boolean;
  /** HMAC-SHA256 secret. Env `TELEMETRY_SIGNING_KEY`. */
  key?: string;
  /** Header carrying the signature. Env `TELEMETRY_SIGNING_HEADER`. Default `X-Telemetry-Signature`. */
  header?: string;
  /**
   * `compatible`: hex HMAC of the body, as laravel-telemetry-reporter does; `timestamped`: the HMAC
   * also covers a timestamp, which defeats replays. Env `TELEMETRY_SIGNING_MODE`. Default `compatible`.
   */
  mode?: 'compatible' | 'timestamped';
}

/**
 * Options of `TelemetryModule.forRoot()` / `forRootAsync()`. Every field is optional: a field
 * given here wins over its environment variable, and a missing one falls back to the variable,
 * then to the default.
 */
export interface TelemetryModuleOptions {
  /** Master switch for collection and reporting. Env `TELEMETRY_ENABLED`. Default `true`. */
  enabled?: boolean;
  /** Full URL the reports are POSTed to. Env `TELEMETRY_SERVER_URL`. */
  serverUrl?: string;
  /** Sent as `host` in every payload. Env `TELEMETRY_HOST`, else `APP_HOST`, else `os.hostname()`. */
  host?: string;
  /** Interval (whole seconds >= 1) of collectors that name none. Env `TELEMETRY_DEFAULT_INTERVAL`. Default 86400. */
  defaultInterval?: number;
  /** Seconds between two sends of the backlog. Env `TELEMETRY_REPORT_INTERVAL`. Default 60. */
  reportInterval?: number;
  /**
   * Outbox store: `memory`, `file` (the default) or a `redis://` / `rediss://` URL; or a store
   * instance of your own. Env `TELEMETRY_STORE`.
   */
  store?: 'memory' | 'file' | string | TelemetryStore;
  /** File of the `file` store. Env `TELEMETRY_STORE_PATH`. Default `.telemetry/outbox.json`. */
  storePath?: string;
  /** Log each payload and response (secrets redacted). Env `TELEMETRY_VERBOSE_LOGGING`. Default `false`. */
  verboseLogging?: boolean;
  /** Timeout of one report request in ms. Env `TELEMETRY_REQUEST_TIMEOUT`. Default 30000. */
  requestTimeout?: number;
  /** Most entries the outbox keeps; the oldest go first. Env `TELEMETRY_MAX_OUTBOX_ENTRIES`. Default 10000. */
  maxOutboxEntries?: number;
  /**
   * Most dead letters kept (payloads the receiver refused for good, set aside so the rest is
   * delivered); the oldest go first, with one warning. Env `TELEMETRY_MAX_DEAD_LETTERS`. Default 1000.
   */
  maxDeadLetters?: number;
  /** Timeout of a collector that names none, in ms. Env `TELEMETRY_COLLECTOR_TIMEOUT`. Default 10000. */
  collectorTimeout?: number;
  /** Longest wait for the final send on shutdown, in ms. Env `TELEMETRY_SHUTDOWN_TIMEOUT`. Default 5000. */
  shutdownTimeout?: number;
  /**
   * Discover collectors but start no timers (the CLI boots applications this way).
   * Env `TELEMETRY_MANUAL_REGISTRATION`; when that variable is `true` it wins over this field.
   */
  manualRegistration?: boolean;
  /** Static bearer token, used when `authTokenUrl` is empty. Env `TELEMETRY_AUTH_TOKEN`. */
  authToken?: string;
  /** Endpoint that hands out a bearer token for this host. Env `TELEMETRY_AUTH_TOKEN_URL`. */
  authTokenUrl?: string;
  /** Extra headers on every report. Env `TELEMETRY_CUSTOM_HEADERS` (a JSON object). */
  customHeaders?: Record<string, string>;
  /** HMAC signing of report requests. */
  signing?: TelemetrySigningOptions;
  /** Key for encrypting report bodies. Env `TELEMETRY_ENCRYPTION_KEY`. */
  encryptionKey?: string;
  /** Allow secrets to travel over plain `http://`. Env `TELEMETRY_ALLOW_INSECURE_TRANSPORT`. Default `false`. */
  allowInsecureTransport?: boolean;
  /** Endpoint the feature flags are fetched from. Env `TELEMETRY_FLAGS_URL`. */
  flagsUrl?: string;
  /** Seconds between two flag fetches. Env `TELEMETRY_FLAGS_POLL_INTERVAL`. Default 60. */
  flagsPollInterval?: number;
  /**
   * Capture of unhandled exceptions and the `AuditService`, reported to a Micrologs-compatible
   * receiver with the project's secret key (docs/client.md, "Error capture"). Off when absent and
   * no `TELEMETRY_ERRORS_*` variable is set.
   */
  errors?: TelemetryErrorsOptions;
}
