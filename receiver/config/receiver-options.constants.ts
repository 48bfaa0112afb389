/** Injection token of the fully resolved {@link ResolvedReceiverOptions} (defaults and env applied). */
export const RECEIVER_OPTIONS = Symbol('RECEIVER_OPTIONS');

/** Default SQLite file used when no `database` option or `RECEIVER_DATABASE_*` env is given. */
export const DEFAULT_SQLITE_PATH = './data/receiver.sqlite';

/** Default URL prefix every receiver route lives under (`/api/...`). */
export const DEFAULT_ROUTE_PREFIX = 'api';
