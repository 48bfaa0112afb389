export const HealthMessages = {
  runtimeOk: (version: string): string => `Node.js ${version}`,
  runtimeTooOld: (minimum: string, version: string): string =>
    `Node.js ${minimum}+ required, running ${version}`,
  connected: 'Connected',
  databaseFailed: 'Connection failed',
  databaseWritesFailing: (reason: string): string => `Writes failing: ${reason}`,
  databaseCheckpointsFailing: (reason: string): string =>
    `WAL checkpoints failing (commits stay in the WAL): ${reason}`,
  checkTimedOut: (ms: number): string => `No answer within ${ms} ms (hung?)`,
  redisFailed: 'Connection failed \u2014 queue and cache unavailable',
  redisHung: (reason: string): string =>
    `Not answering (${reason}) \u2014 queue and cache skipped (hung?)`,
  redisNotConfigured:
    'Not configured \u2014 rate limits, queue and cache run in-process (single instance)',
  geoipFound: (file: string): string => `${file} found`,
  geoipMissing: (file: string): string => `${file} not found \u2014 location tracking disabled`,
  geoipNotConfigured: 'No GeoIP database configured \u2014 location tracking disabled',
  checkThrew: (error: string): string => `Check failed: ${error}`,
} as const;
