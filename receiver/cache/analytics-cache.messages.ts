/** Log texts of the analytics cache (one place, as in every capability). */
export const ANALYTICS_CACHE_MESSAGES = {
  readFailed: (key: string, error: unknown) =>
    `Analytics cache read failed for "${key}", answering from the database: ${describe(error)}`,
  writeFailed: (key: string, error: unknown) =>
    `Analytics cache write failed for "${key}": ${describe(error)}`,
  invalidateFailed: (pattern: string, error: unknown) =>
    `Analytics cache invalidation of "${pattern}" failed (entries expire by TTL): ${describe(error)}`,
  invalidOptions: 'AnalyticsCacheModule: "maxEntries" must be a positive integer.',
} as const;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
