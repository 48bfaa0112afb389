/** Injection token of the fully resolved {@link ResolvedReceiverOptions} (defaults and env applied). */
export const RECEIVER_OPTIONS = Symbol('RECEIVER_OPTIONS');

/** Default SQLite file used when no `database` option or `RECEIVER_DATABASE_*` env is given. */
export const DEFAULT_SQLITE_PATH = './data/receiver.sqlite';

/** Default URL prefix every receiver route lives under (`/api/...`). */
export const DEFAULT_ROUTE_PREFIX = 'api';

/**
 * The kinds of raw data a retention period applies to: pageviews (with the sessions and visitors
 * they leave behind), error events, audit logs, link clicks and telemetry samples.
 */
export const RETENTION_KINDS = ['pageviews', 'errors', 'audit', 'clicks', 'telemetry'] as const;

/** Default longest wait for one Redis command before Redis counts as not answering. */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 250;

/** Default longest wait for one PostgreSQL/MySQL query (or a pooled connection). */
export const DEFAULT_DATABASE_QUERY_TIMEOUT_MS = 15_000;

/** Default minutes between two purge runs of a serving receiver. */
export const DEFAULT_PURGE_INTERVAL_MINUTES = 60;

/** Longest retention period accepted, in days (100 years: longer means "keep"; use 0). */
export const MAX_RETENTION_DAYS = 36500;
