/** Every text the error capture and audit log or throw, in one place. */
export const ErrorsMessages = {
  outageStarted: (reason: string, entries: number) =>
    `Error receiver unreachable (${reason}); ${entries} reports kept in the outbox, retrying with backoff.`,
  outageEnded: (seconds: number) =>
    `Error receiver reachable again after ${seconds} s; backlog sent.`,
  refusedKept: (status: number, reason: string) =>
    `Error receiver refused the reports with status ${status} (${reason}); they are kept and retried — check errors.receiverUrl and errors.projectKey.`,
  setAside: (kind: string, reason: string) =>
    `Error receiver refused an ${kind} report for good (${reason}): it is kept as a dead letter and ` +
    'the reports after it are sent (see "nestjs-telemetry dead-letters").',
  deadLettersOverflow: (max: number, dropped: number) =>
    `Error report dead letters are full (${max}): the oldest ${dropped} were dropped to make room.`,
  captureFailed: (reason: string) => `Error capture failed: ${reason}`,
  actorFailed: (reason: string) => `errors.actor resolver failed: ${reason}`,
  auditNotConfigured: () =>
    'AuditService needs the `errors` option of TelemetryModule (receiverUrl and projectKey); the entry was not kept.',
  auditedNotConfigured: (where: string) =>
    `${where} is @Audited() but TelemetryModule has no \`errors\` option (receiverUrl and projectKey): its calls are not audited.`,
  auditActionMissing: (where: string) =>
    `Invalid audit action on ${where}: expected a non-empty string of at most 100 bytes.`,
  auditFailed: (action: string, reason: string) => `Audit of "${action}" failed: ${reason}`,
  fatalFlushTimedOut: (ms: number) =>
    `The report of a fatal error did not reach the outbox within ${ms} ms; exiting anyway.`,
  shutdownSendFailed: (reason: string, entries: number) =>
    `Final send of error reports failed (${reason}); ${entries} stay in the outbox for the next start.`,
  insecureTransport: (url: string) =>
    `errors.receiverUrl ${url} is plain http to another machine: the project's secret key can be read on the way.`,
} as const;
