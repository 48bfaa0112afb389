/** Injection token of the outbox holding error reports and audit entries. */
export const TELEMETRY_ERROR_STORE = 'TELEMETRY_ERROR_STORE';

/** Reflect-metadata key set by `@Audited()`. */
export const AUDITED_METADATA = 'nestjs-telemetry:audited';

/** Outbox keys of the two kinds of entries, and the receiver paths they are POSTed to. */
export const MICROLOGS_ENTRIES = {
  error: { key: 'micrologs:error', path: '/api/track/error.php' },
  audit: { key: 'micrologs:audit', path: '/api/track/audit.php' },
} as const;

/** File of the errors outbox, beside the telemetry outbox file. */
export const ERROR_OUTBOX_FILE = 'errors.outbox.json';

/** Defaults of the `errors` options. */
export const ERRORS_DEFAULTS = {
  redactQueryParams: [
    'token',
    'access_token',
    'refresh_token',
    'id_token',
    'code',
    'key',
    'api_key',
    'apikey',
    'password',
    'secret',
    'signature',
    'sig',
    'auth',
    'session',
  ],
  coalesceWindow: 10_000,
  sendInterval: 5,
} as const;

/** Micrologs field limits the client applies before sending (contract 2.2.2 / 2.2.3). */
export const MICROLOGS_LIMITS = {
  message: 1024,
  errorType: 100,
  file: 512,
  url: 2048,
  stackBytes: 65_535,
  contextBytes: 8192,
  action: 100,
  actor: 255,
  /** Not Micrologs': our cap of a handler's message pattern in the context. */
  pattern: 512,
} as const;

/** Most distinct errors counted at once; beyond it repeats are sent as they come. */
export const MAX_OPEN_BURSTS = 1_000;

/** Timer of the errors sender in the `SchedulerRegistry`. */
export const ERRORS_TIMER_NAME = 'telemetry:errors';
