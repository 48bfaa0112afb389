/** Texts of the data lifecycle jobs. */
export const LifecycleMessages = {
  purgeSummary: (dryRun: boolean, rows: Record<string, number>, ms: number): string =>
    `${dryRun ? 'Purge dry run: would delete' : 'Purge deleted'} ` +
    (Object.entries(rows)
      .map(([table, count]) => `${table}=${count}`)
      .join(', ') || 'nothing (no retention period set)') +
    ` in ${ms} ms`,
  purgeBusy: 'Purge skipped: another receiver process holds the purge lease',
  purgeFailed: (message: string): string => `Purge failed: ${message}`,
  healthIdle: 'No purge has run in this process yet',
  healthOff: 'Purge timer off (purgeIntervalMinutes = 0)',
  healthOk: 'Last purge succeeded',
  healthFailed: 'Last purge failed',
} as const;
