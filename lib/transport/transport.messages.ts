/** Every log and error text of the transport capability, in one place. */
export const TransportMessages = {
  tokenUnavailable: (reason: string): string =>
    `No auth token available (${reason}); nothing was sent.`,
  flagsUrlMissing: (): string =>
    'Feature flags URL is not configured (set TELEMETRY_FLAGS_URL or TELEMETRY_SERVER_URL).',
  flagsAnswerInvalid: (): string =>
    'The flags endpoint did not answer a JSON object of flags ({"feature_flags": {...}} or {...}).',
  batchTooLarge: (): string =>
    'The batch is larger than a request may be once compressed; it is sent in smaller parts.',
} as const;
