/** Log texts of the analytics cache (one place, as in every capability). */
export const ANALYTICS_CACHE_MESSAGES = {
  storeFailing: (reason: string) =>
    `Analytics cache store failing (${reason}): answering from the database, invalidations ` +
    `missed meanwhile expire by TTL`,
  storeBack: 'Analytics cache store answering again',
  invalidOptions: 'AnalyticsCacheModule: "maxEntries" must be a positive integer.',
} as const;
