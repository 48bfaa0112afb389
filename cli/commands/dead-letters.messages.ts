const BIN = 'nestjs-telemetry';

/** Output texts of the `dead-letters` commands. */
export const DeadLettersMessages = {
  none: (): string => 'No dead letters: the server has refused no payload for good.',
  summary: (count: number): string =>
    `${count} value(s) the server refused for good are kept as dead letters. ` +
    `Send them again with "${BIN} dead-letters retry", drop them with "${BIN} dead-letters drop --all".`,
  reportNote: (count: number): string =>
    `${count} value(s) the server refused for good are kept as dead letters (see "${BIN} dead-letters").`,
  retried: (outbox: string, sent: number, refused: number, remaining: number): string =>
    `${outbox} outbox: sent ${sent} payload(s) again; ${refused} refused again; ` +
    `${remaining} dead letter(s) left.`,
  retryFailed: (outbox: string, reason: string, remaining: number): string =>
    `${outbox} outbox: failed to send the dead letters (${reason}); ${remaining} dead letter(s) kept.`,
  locked: (outbox: string): string =>
    `${outbox} outbox: another process is sending right now; try again in a moment.`,
  dropped: (count: number): string => `Dropped ${count} dead letter(s).`,
  dropNeedsSelection: (): string =>
    'Say which dead letters to drop: --id <ids> (as listed) or --all.',
  badIds: (raw: string): string =>
    `Invalid --id "${raw}": expected dead letter ids as listed, separated by commas ` +
    '(e.g. telemetry:12,errors:3).',
} as const;
