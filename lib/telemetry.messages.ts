/** Every text the client side of the package logs or throws, in one place. */
export const TelemetryMessages = {
  // A negative one starts with the Laravel attribute's own words (contract §2.1).
  invalidInterval: (where: string, value: unknown) =>
    (typeof value === 'number' && value < 0 ? 'Telemetry interval cannot be negative. ' : '') +
    `Invalid telemetry interval on ${where}: ${String(value)} — expected a whole number of seconds >= 1.`,
  invalidTimeout: (where: string, value: unknown) =>
    `Invalid telemetry timeout on ${where}: ${String(value)} — expected a whole number of milliseconds >= 0.`,
  invalidKey: (where: string, value: unknown) =>
    `Invalid telemetry key on ${where}: ${JSON.stringify(value)} — expected a non-empty string.`,
  invalidValueType: (where: string, value: unknown) =>
    `Invalid telemetry type on ${where}: ${JSON.stringify(value)} — expected "gauge", "counter" or "info".`,
  invalidUnit: (where: string, value: unknown) =>
    `Invalid telemetry unit on ${where}: ${JSON.stringify(value)} — expected a non-empty string of at most 32 characters.`,
  duplicateKey: (key: string, first: string, second: string) =>
    `Duplicate telemetry key "${key}" on ${second} (already used by ${first}). Give one of them another key.`,
  requestScoped: (className: string, decorator: string) =>
    `${className} is request-scoped or transient; its @${decorator}() methods are skipped.`,
  collectorFailed: (key: string, reason: string) => `Failed to collect data from ${key}: ${reason}`,
  collectorTimedOut: (key: string, ms: number) =>
    `Failed to collect data from ${key}: no value after ${ms} ms; skipped this round.`,
  collectorStillRunning: (key: string) =>
    `Telemetry collector ${key} is still running from an earlier round; this round skips it.`,
  notSerializable: (key: string, reason: string) =>
    `Method ${key} returned non-serializable data (${reason}); the value is refused.`,
  outboxOverflow: (max: number) =>
    `Telemetry outbox is full (${max} entries): the oldest entries are dropped to make room.`,
  outboxCorrupt: (path: string, movedTo: string, reason: string) =>
    `Telemetry outbox file ${path} could not be read (${reason}); it was moved to ${movedTo} and a new one started.`,
  outboxMigrated: (path: string, entries: number) =>
    `Telemetry outbox ${path} converted from the 0.x document to the 1.0 journal (${entries} pending entries kept).`,
  journalTornTail: (path: string, bytes: number) =>
    `Telemetry outbox ${path}: dropped an unfinished record of ${bytes} bytes left by a crash (no acknowledged write is lost).`,
  journalDamaged: (path: string, offset: number) =>
    `Telemetry outbox ${path}: skipped a damaged record at byte ${offset}; the records after it are kept.`,
  fileLockHeld: (path: string, seconds: number) =>
    `Telemetry outbox lock ${path} is still held by another process after ${seconds} s.`,
  storeFailed: (operation: string, reason: string) =>
    `Telemetry store failed during ${operation}: ${reason}`,
  requestTimedOut: (ms: number): string => `no complete answer within ${ms} ms`,
  answerTooLarge: (bytes: number): string =>
    `the answer exceeded ${bytes} bytes; it was not read further`,
  storeRecovered: (seconds: number, lost: number) =>
    `Telemetry store writable again after ${seconds} s` +
    (lost > 0 ? `; ${lost} values could not be kept meanwhile.` : '.'),
  serverUrlMissing: () => 'Telemetry server URL is not configured',
  outageStarted: (reason: string, entries: number) =>
    `Telemetry server unreachable (${reason}); ${entries} entries kept in the outbox, retrying with backoff.`,
  outageEnded: (seconds: number) =>
    `Telemetry server reachable again after ${seconds} s; backlog sent.`,
  clientError: (status: number) =>
    `Telemetry server refused the report with status ${status}; the entries are kept and retried on the next report tick.`,
  setAside: (reason: string, values: number, host: string, timestamp: string) =>
    `Telemetry server refused a payload for good (${reason}): its ${values} value(s) of ${host} ` +
    `at ${timestamp} are kept as dead letters and the entries after it are sent ` +
    '(see "nestjs-telemetry dead-letters").',
  deadLettersOverflow: (max: number, dropped: number) =>
    `Telemetry dead letters are full (${max}): the oldest ${dropped} were dropped to make room.`,
  payload: (json: string) => `Telemetry payload: ${json}`,
  batchTooLarge: (): string =>
    'The batch is larger than a request may be once compressed; it is sent in smaller parts.',
  batch: (rounds: number, first: string, last: string) =>
    `Telemetry batch: ${rounds} rounds, ${first} to ${last}`,
  batchPartlyStored: () =>
    'the receiver stored only part of the batch; the other rounds stay in the outbox',
  roundRefused: (reason: string) => `the receiver refused a round of the batch: ${reason}`,
  response: (status: number | undefined, json: string) =>
    `Telemetry response (${status ?? 'no status'}): ${json}`,
  handlerFailed: (where: string, key: string, reason: string) =>
    `Telemetry response handler ${where} failed for key "${key}": ${reason}`,
  shutdownSendFailed: (reason: string, entries: number) =>
    `Telemetry final send failed (${reason}); ${entries} entries stay in the outbox for the next start.`,
  shutdownFlushTimedOut: (ms: number) =>
    `Telemetry final send did not finish within ${ms} ms; the backlog stays in the outbox.`,
  tokenUnavailable: (reason: string): string =>
    `No auth token available (${reason}); nothing was sent.`,
  flagsUrlMissing: (): string =>
    'Feature flags URL is not configured (set TELEMETRY_FLAGS_URL or TELEMETRY_SERVER_URL).',
  flagsAnswerInvalid: (): string =>
    'The flags endpoint did not answer a JSON object of flags ({"feature_flags": {...}} or {...}).',
} as const;
