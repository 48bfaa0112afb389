/** Texts of the Micrologs import. */
export const MicrologsImportMessages = {
  feature: 'Importing from Micrologs (receiver import-micrologs)',
  badSource:
    '--from must be the Micrologs database as mysql://user:password@host:port/database ' +
    '(MySQL or MariaDB)',
  badTimeZone: (zone: string): string =>
    `--timezone must be an IANA time zone such as Europe/Paris (got "${zone}")`,
  notMicrologs: (table: string): string =>
    `The source database has no "${table}" table: is it a Micrologs v2 database?`,
  starting: (tables: number, rows: number, timeZone: string): string =>
    `Importing ${rows} row(s) from ${tables} Micrologs table(s); source timestamps read in ${timeZone}`,
  table: (
    table: string,
    counts: { read: number; imported: number; existing: number; skipped: string },
  ): string =>
    `  ${table.padEnd(14)} ${String(counts.read).padStart(9)} read ` +
    `${String(counts.imported).padStart(9)} imported ${String(counts.existing).padStart(9)} already there` +
    (counts.skipped ? `  skipped: ${counts.skipped}` : ''),
  rollups: (projects: number, days: number, seconds: number): string =>
    `Rollups rebuilt for ${projects} project(s) over ${days} day(s) in ${seconds.toFixed(1)} s`,
  rollupsFull: (days: number, seconds: number): string =>
    `Rollups were not built yet: built them all (${days} day(s)) in ${seconds.toFixed(1)} s`,
  done: (read: number, imported: number, seconds: number, perSecond: number): string =>
    `Imported ${imported} of ${read} row(s) in ${seconds.toFixed(1)} s (${perSecond} rows/s)`,
  rerun: 'Running the command again resumes an interrupted import and copies nothing twice.',
} as const;
