/** Output texts of the `sync-flags` command. */
export const SyncFlagsMessages = {
  synced: (url: string, count: number): string =>
    `Feature flags synced from ${url} (${count} flag(s)).`,
  notModified: (url: string, count: number): string =>
    `Feature flags unchanged at ${url} (304 Not Modified); ${count} flag(s) held.`,
  noFlags: (): string => 'The server sent no feature flags for this host.',
  failed: (reason: string): string =>
    `Failed to sync feature flags: ${reason}. The last known flags are kept.`,
} as const;
