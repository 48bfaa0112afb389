/** Every log and error text of the feature-flags capability, in one place. */
export const FlagsMessages = {
  notAnObject: (source: string): string =>
    `Ignored feature flags from the ${source}: expected a JSON object of flag name → value.`,
  persistFailed: (reason: string): string =>
    `Could not persist the feature flags in the telemetry store (they stay in memory): ${reason}`,
  loadFailed: (reason: string): string =>
    `Could not load the last known feature flags from the telemetry store: ${reason}`,
  loaded: (count: number, receivedAt: string): string =>
    `Loaded ${count} last known feature flag(s) received at ${receivedAt}.`,
  pollFailed: (reason: string, retryInSeconds: number): string =>
    `Feature flags could not be fetched (${reason}); keeping the last known flags, next try in ${retryInSeconds} s.`,
  pollRecovered: (): string => 'Feature flags are being fetched again.',
  flagsUrlMissing: (): string =>
    'Feature flags cannot be fetched: neither flagsUrl nor serverUrl is configured.',
} as const;
