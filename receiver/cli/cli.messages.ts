/** Texts of the receiver commands. */
export const ReceiverCliMessages = {
  database: (description: string): string => `Database: ${description}`,
  noDatabase: (defaultFile: string): string =>
    'No database given (neither --database nor RECEIVER_DATABASE_URL), and the default SQLite ' +
    `file ${defaultFile} does not exist. Pass --database <url> (sqlite:<file>, postgres://…, ` +
    `mysql://…) or set RECEIVER_DATABASE_URL to use the receiver's database, or add --create ` +
    `to create a new SQLite database at ${defaultFile}.`,
  migrated: (names: string[]): string =>
    `Applied ${names.length} migration(s): ${names.join(', ')}`,
  upToDate: 'Receiver schema is up to date.',
  failed: (message: string): string => `Error: ${message}`,
  created: 'Project created. Store the secret key safely: it is not shown again.',
  purged: (dryRun: boolean, ms: number): string =>
    dryRun
      ? `Dry run (${ms} ms): nothing deleted. Rows the purge would delete:`
      : `Purge done in ${ms} ms. Rows deleted:`,
  notMigrated:
    'The database has pending receiver migrations: run `nestjs-telemetry receiver migrate` first.',
  purgedNothing: '(none: no data is older than its retention period)',
  purgeBusy: 'Another receiver process is purging this database right now; try again later.',
  erased: (requestId: number): string =>
    `Visitor erased (privacy request ${requestId}). Rows deleted per table:`,
  notWholeNumber: (option: string, value: string): string =>
    `--${option} must be a whole number of at least 1 (got "${value}")`,
} as const;
