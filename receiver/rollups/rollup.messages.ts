/** Log lines and CLI texts of the analytics rollups. */
export const RollupMessages = {
  notReady: (built: string | null, zone: string): string =>
    (built === null
      ? 'Analytics rollups are not built for the existing data'
      : `Analytics rollups are built in ${built}, not in ${zone}`) +
    ': analytics answer from the raw rows (slower) until ' +
    '`npx nestjs-telemetry receiver rebuild-rollups` has run.',
  stateUnreadable: (message: string): string =>
    `Analytics rollup state unreadable (${message}): analytics answer from the raw rows.`,
  rebuilding: (zone: string, days: number, from: string | null): string =>
    from === null
      ? `Rebuilding analytics rollups in ${zone}: nothing to do (no pageviews).`
      : `Rebuilding analytics rollups in ${zone}: ${days} day(s) from ${from}.`,
  rebuilt: (days: number, rows: number, ms: number): string =>
    `Rollups rebuilt: ${days} day(s), ${rows} pageview(s) in ${(ms / 1000).toFixed(1)} s. ` +
    'Analytics now read them.',
} as const;
