/** Start-up errors of the receiver configuration. */
export const ReceiverMessages = {
  missingSecret: (option: string, env: string): string =>
    `ReceiverModule: "${option}" is required (option ${option} or env ${env}). ` +
    `Generate one with: openssl rand -hex 32`,
  badTimezone: (tz: string): string =>
    `ReceiverModule: timezone "${tz}" is not a valid IANA time zone (e.g. UTC, Europe/Paris)`,
  badDatabaseUrl: (url: string): string =>
    `ReceiverModule: RECEIVER_DATABASE_URL "${url}" must start with sqlite:, postgres:// or mysql://`,
  badTrustedProxy: (entry: string): string =>
    `ReceiverModule: trusted proxy "${entry}" is neither an IP address nor a CIDR range`,
  redisQueueWithoutRedis:
    'ReceiverModule: ingest queue "redis" needs a Redis server (option redis or env RECEIVER_REDIS_URL)',
} as const;
