import type { DataSourceOptions } from 'typeorm';
import type { RETENTION_KINDS } from './receiver-options.constants';
import type {
  AnalyticsCacheStore,
  IngestBatchWriter,
  IngestQueue,
  RateLimitStorage,
} from './receiver-extensions.interface';

/** A kind of raw data with a retention period (see `RETENTION_KINDS`). */
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/** Retention period in days per kind of data; `0` keeps that data forever. */
export type RetentionDays = Record<RetentionKind, number>;

/**
 * How user agents are classified. `contract` (default): Micrologs' own rules (contract 3.9), so
 * counts match the original engine. `detailed`: the names and device types of `ua-parser-js`
 * (Samsung Internet, Instagram, Ubuntu, smarttv…), falling back to the contract's answer where the
 * library has none.
 */
export type UserAgentDetail = 'contract' | 'detailed';

/**
 * Options of `ReceiverModule.forRoot()` / `forRootAsync()`. Every option can also come from the
 * environment (name in brackets); an explicit option wins over the environment.
 */
export interface ReceiverModuleOptions {
  /**
   * TypeORM data source options, or the name of a TypeORM connection the application already
   * registered through `TypeOrmModule.forRoot({ name })` (that connection must list
   * `RECEIVER_ENTITIES` and `RECEIVER_MIGRATIONS`). Default: SQLite file `./data/receiver.sqlite`
   * through better-sqlite3 in WAL mode. [`RECEIVER_DATABASE_URL` — `sqlite:<path>`,
   * `postgres://…` or `mysql://…`]
   */
  database?: DataSourceOptions | string;
  /** Run pending migrations when the module starts. Default `true`. [`RECEIVER_MIGRATIONS_RUN`] */
  migrationsRun?: boolean;
  /** Secret of the `X-Admin-Key` header (required). [`RECEIVER_ADMIN_KEY`] */
  adminKey?: string;
  /** Salt of the SHA-256 IP hashes (required). [`RECEIVER_IP_HASH_SALT`] */
  ipHashSalt?: string;
  /** Public base URL of the receiver, used for short links. [`RECEIVER_APP_URL`] */
  appUrl?: string;
  /** IANA time zone of response timestamps and day buckets. Default `UTC`. [`RECEIVER_TIMEZONE`] */
  timezone?: string;
  /** Exact origins allowed by CORS (array or comma list). [`RECEIVER_ALLOWED_ORIGINS`] */
  allowedOrigins?: string[] | string;
  /** Proxy addresses (IPs and CIDRs) whose `X-Forwarded-For` is trusted. [`RECEIVER_TRUSTED_PROXIES`] */
  trustedProxies?: string[] | string;
  /** Path of a MaxMind `.mmdb` city database. [`RECEIVER_GEOIP_DATABASE`] */
  geoipDatabase?: string;
  /**
   * How user agents become device type, OS, browser and version. `'contract'` (default):
   * Micrologs' own rules (contract 3.9, with iPhones/iPads as `iOS` and Chrome on iOS as
   * `Chrome`), so counts match the original engine — Samsung Internet and in-app browsers count as
   * Chrome, Android tablets without "Tablet" in their UA as `mobile`. `'detailed'`: the richer
   * names and device types of `ua-parser-js` (`Samsung Internet`, `Instagram`, `Ubuntu`,
   * `smarttv`…), the contract's answer where the library has none.
   * [`RECEIVER_USER_AGENT_DETAIL`]
   */
  userAgentDetail?: UserAgentDetail;
  /** URL prefix of every receiver route. Default `api`. [`RECEIVER_ROUTE_PREFIX`] */
  routePrefix?: string;
  /**
   * Production mode: disables the `X-Test-Mode: phpunit` hook. Default `true` unless `NODE_ENV`
   * is `development` or `test`. [`RECEIVER_PRODUCTION`]
   */
  production?: boolean;
  /** Redis URL for rate limits (and, in feature modules, queue and cache). [`RECEIVER_REDIS_URL`] */
  redis?: string;
  /** Prefix of every Redis key the receiver writes (share one Redis safely). [`RECEIVER_REDIS_PREFIX`] */
  redisPrefix?: string;
  /**
   * Milliseconds one Redis command may take. A command that takes longer, or a Redis that went
   * away, makes the receiver skip Redis for a second: analytics answer without the cache, rate
   * limits let requests through, events are committed inline. Default 250.
   * [`RECEIVER_REDIS_COMMAND_TIMEOUT_MS`]
   */
  redisCommandTimeoutMs?: number;
  /**
   * Milliseconds one PostgreSQL or MySQL/MariaDB query may take (and waiting for a pooled
   * connection may take) before it fails as a storage fault: a hung database server then gets
   * 503 with `Retry-After` instead of requests that never end. `0` turns the limit off. Default
   * 15 000. [`RECEIVER_DATABASE_QUERY_TIMEOUT_MS`]
   */
  databaseQueryTimeoutMs?: number;
  /**
   * Where the writes to a SQLite file run. `thread` (default): on a second connection in a worker
   * thread, so a big ingest batch, or a write lock another process holds, never stops the event
   * loop; reads stay on the main connection and see only committed rows of those writes. Ingest
   * batches under 64 events still run on the main connection: their statements' round trips to
   * the thread would cost more throughput than the few milliseconds they block the loop.
   * `event-loop`: every write on the one main connection, as in 0.1 (a `:memory:` database always
   * is). [`RECEIVER_SQLITE_WRITER`]
   */
  sqliteWriter?: 'thread' | 'event-loop';
  /**
   * Days raw data is kept before the purge job deletes it, for every kind at once; `0` (default)
   * keeps everything. A project's own periods (projects API `retention`) win over it.
   * [`RECEIVER_RETENTION_DAYS`]
   */
  retentionDays?: number;
  /**
   * Days per kind — `pageviews`, `errors`, `audit`, `clicks`, `telemetry` — over
   * `retentionDays`; `0` keeps that kind forever. [`RECEIVER_RETENTION_PAGEVIEWS_DAYS`,
   * `RECEIVER_RETENTION_ERRORS_DAYS`, `RECEIVER_RETENTION_AUDIT_DAYS`,
   * `RECEIVER_RETENTION_CLICKS_DAYS`, `RECEIVER_RETENTION_TELEMETRY_DAYS`]
   */
  retention?: Partial<RetentionDays>;
  /**
   * Keep the analytics rollups (daily pageviews and unique visitors per page, referrer, device,
   * place…) when the purge deletes the pageviews they were computed from, so dashboards still
   * show old months. Default `false`: the rollups of purged days go too, and analytics stay equal
   * to the stored rows. [`RECEIVER_KEEP_ROLLUPS`]
   */
  keepRollups?: boolean;
  /**
   * Minutes between two runs of the purge job in a serving receiver; `0` turns the timer off
   * (run `nestjs-telemetry receiver purge` from cron instead). Default 60.
   * [`RECEIVER_PURGE_INTERVAL_MINUTES`]
   */
  purgeIntervalMinutes?: number;
  /**
   * Honour the browser's privacy signals: a pageview sent with `Sec-GPC: 1` or `DNT: 1` is
   * answered like an accepted one (`202 {queued:true}`) but not stored. Default `false`.
   * [`RECEIVER_RESPECT_PRIVACY_SIGNALS`]
   */
  respectPrivacySignals?: boolean;
  /**
   * Keep the salted IP hash of audit events and link clicks. `false` stores `''` instead.
   * Default `true`. [`RECEIVER_STORE_IP_HASH`]
   */
  storeIpHash?: boolean;
  /**
   * Finest GeoIP detail stored for pageviews, errors and link clicks: `city`, `region`,
   * `country` or `none` (no location at all). Default `city`. [`RECEIVER_GEOIP_PRECISION`]
   */
  geoipPrecision?: GeoIpPrecision;
  /**
   * Remove the query string of pageview URLs and referrers and of error URLs before they are
   * stored, keeping only `utm_*` parameters. Default `false`. [`RECEIVER_STRIP_QUERY_STRINGS`]
   */
  stripQueryStrings?: boolean;
  /**
   * Rate limits. `storage`: where the counters live — for a store the host application already
   * runs. Default: Redis when `redis` is set (shared by every instance), else process memory.
   * The limits themselves default to the Micrologs contract's (1.8); see {@link RateLimitOptions}.
   */
  rateLimit?: { storage?: RateLimitStorage } & RateLimitOptions;
  /**
   * Analytics answers cache (contract 1.12). `store`: where cached answers live. Default: Redis
   * when `redis` is set, else a bounded in-memory LRU.
   */
  analyticsCache?: { store?: AnalyticsCacheStore };
  /**
   * Ingestion. `queue`: where accepted events wait for the database —
   * - `'inline'` (default): a group commit inside the process; the 202 is sent once the event is
   *   committed;
   * - `'redis'`: one Redis stream per kind of event; the 202 is sent once Redis stored it, and
   *   workers (in this process, in `nestjs-telemetry receiver worker` processes, or both) write
   *   batches to the database. Needs `redis`; tuned by `redis` here. See docs/deployment.md;
   * - a function: builds the host application's own queue from the writer that stores a batch
   *   of jobs in the receiver's database; called once at start.
   * [`RECEIVER_QUEUE` — `inline` or `redis`]
   *
   * @example
   * ```ts
   * ingest: { queue: 'redis', redis: { workers: false } } // HTTP only; `receiver worker` writes
   * ingest: { queue: (writer) => new MyQueue(writer) } // MyQueue implements IngestQueue
   * ```
   */
  ingest?: {
    queue?: IngestQueueDriver | ((writer: IngestBatchWriter) => IngestQueue);
    redis?: RedisQueueOptions;
  };
  /**
   * Prometheus exposition at `/metrics` (needs the optional peer `prom-client`). `token`: the
   * bearer token scrapers must send (`Authorization: Bearer <token>`), at least 16 characters
   * without spaces; without it `/metrics` answers 404. [`RECEIVER_METRICS_TOKEN`]
   */
  metrics?: { token?: string };
  /**
   * Realtime feeds over WebSocket and Server-Sent Events (needs the optional peer `ws` for
   * WebSocket): live visitor count, pageview and error feeds, alerts and telemetry values per
   * project. Off by default. Enable it on `receiver worker` processes too, so events they commit
   * reach the feeds (through Redis when `redis` is set). See {@link RealtimeOptions}.
   * [`RECEIVER_REALTIME`]
   */
  realtime?: RealtimeOptions;
  /**
   * Alert rules (see docs/alerts.md). `intervalSeconds`: how often time-based rules are evaluated
   * and waiting alerts are gathered and sent (default 15; `0` turns evaluation and sending off in
   * this process). `retryBaseSeconds`: first wait after a failed delivery, doubled at each
   * attempt up to an hour, for 24 hours (default 30).
   * [`RECEIVER_ALERTS_INTERVAL_SECONDS`, `RECEIVER_ALERTS_RETRY_BASE_SECONDS`]
   */
  alerts?: { intervalSeconds?: number; retryBaseSeconds?: number };
}

/** Realtime feed options (`realtime`); each field also has its variable. */
export interface RealtimeOptions {
  /** Serve the feeds. Default `false`. [`RECEIVER_REALTIME`] */
  enabled?: boolean;
  /**
   * Path of the WebSocket endpoint. Default `/<routePrefix>/realtime` (e.g. `/api/realtime`); the
   * SSE stream is `/<routePrefix>/realtime/events`. [`RECEIVER_REALTIME_PATH`]
   */
  path?: string;
  /**
   * Bytes a client may have waiting in its socket before feed messages are dropped (counted and
   * announced) and state messages coalesced. Default 1 MiB. [`RECEIVER_REALTIME_MAX_BUFFERED_BYTES`]
   */
  maxBufferedBytes?: number;
  /** Feed messages held per client while its socket is full. Default 256. [`RECEIVER_REALTIME_MAX_QUEUED`] */
  maxQueuedMessages?: number;
  /** Concurrent realtime clients per process. Default 10 000. [`RECEIVER_REALTIME_MAX_CLIENTS`] */
  maxClients?: number;
  /** Longest lifetime of a minted token, seconds. Default 3600. [`RECEIVER_REALTIME_TOKEN_MAX_TTL`] */
  tokenMaxTtlSeconds?: number;
}

/** {@link RealtimeOptions} with defaults and environment applied. */
export interface ResolvedRealtimeOptions {
  enabled: boolean;
  /** Full path of the WebSocket endpoint (leading `/`). */
  path: string;
  maxBufferedBytes: number;
  maxQueuedMessages: number;
  maxClients: number;
  tokenMaxTtlSeconds: number;
}

/** The built-in ingestion queues (see `ingest.queue`). */
export type IngestQueueDriver = 'inline' | 'redis';

/** Tuning of the Redis queue (`ingest.redis`); each field also has its variable. */
export interface RedisQueueOptions {
  /**
   * Run queue workers in this process. Default `true` (one process does it all); set `false`
   * on HTTP receivers when `receiver worker` processes do the writing. [`RECEIVER_QUEUE_WORKERS`]
   */
  workers?: boolean;
  /** Worker loops in this process, each writing one batch at a time. Default 1. [`RECEIVER_QUEUE_CONCURRENCY`] */
  concurrency?: number;
  /** Kinds of event this process's workers take (`pageview`, `error`, …). Default: all. [`RECEIVER_QUEUE_KINDS`] */
  kinds?: string[] | string;
  /** Most events a worker writes in one database transaction. Default 500. [`RECEIVER_QUEUE_BATCH_SIZE`] */
  batchSize?: number;
  /**
   * Events waiting in one kind's stream beyond which tracking answers 503 with `Retry-After`
   * instead of growing Redis' memory. Default 1 000 000. [`RECEIVER_QUEUE_MAX_BACKLOG`]
   */
  maxBacklog?: number;
  /** Failed writes of one event before it moves to the dead letters. Default 5. [`RECEIVER_QUEUE_MAX_ATTEMPTS`] */
  maxAttempts?: number;
  /**
   * Milliseconds an event may stay with a silent worker (killed, hung) before another worker
   * takes it over. Default 15 000 (30 000 at most). [`RECEIVER_QUEUE_CLAIM_IDLE_MS`]
   */
  claimIdleMs?: number;
  /** Live workers expected per kind by the production `workers` health check. Default 1. [`RECEIVER_QUEUE_EXPECTED_WORKERS`] */
  expectedWorkers?: number;
}

/**
 * The limits of `rateLimit`. Browsers (and any caller without a secret key) are counted per IP and
 * endpoint, as the Micrologs contract does; server-side callers of the error and audit endpoints —
 * which present the project's secret key — are counted per project and endpoint instead, since one
 * busy backend sends far more than a browser from a single IP.
 */
export interface RateLimitOptions {
  /** Seconds of one counting window. Default 60. [`RECEIVER_RATE_LIMIT_WINDOW_SECONDS`] */
  windowSeconds?: number;
  /**
   * Seconds an IP stays blocked on an endpoint after going over its limit. Default 900.
   * [`RECEIVER_RATE_LIMIT_BLOCK_SECONDS`]
   */
  blockSeconds?: number;
  /**
   * Requests per window per IP, by endpoint name — the contract's suffix without its `_`:
   * `pageview`, `errors`, `audit`, `project_create`, `links_list`, `redirect`, `visitors`,
   * `telemetry`… — over the contract's value; `0` lifts that endpoint's limit.
   * [`RECEIVER_RATE_LIMITS`, e.g. `pageview=600,errors=120`]
   */
  perIp?: Record<string, number>;
  /**
   * Callers of the error and audit endpoints with a secret key: `limit` requests per window per
   * project and endpoint (default 1200; `0` lifts it), then a block of `blockSeconds` (default 60).
   * [`RECEIVER_RATE_LIMIT_SECRET_KEY`, `RECEIVER_RATE_LIMIT_SECRET_KEY_BLOCK_SECONDS`]
   */
  secretKey?: { limit?: number; blockSeconds?: number };
}

/** The rate limits after defaults, environment and validation. */
export interface ResolvedRateLimits {
  windowSeconds: number;
  blockSeconds: number;
  /** Overrides by endpoint name (without the leading `_`). */
  perIp: Record<string, number>;
  secretKey: { limit: number; blockSeconds: number };
}

/** Where the writes to a SQLite file run (see `sqliteWriter`). */
export type SqliteWriter = NonNullable<ReceiverModuleOptions['sqliteWriter']>;

/** The accepted `sqliteWriter` values. */
export const SQLITE_WRITERS: readonly SqliteWriter[] = ['thread', 'event-loop'];

/** How much of a GeoIP location is stored (see `geoipPrecision`). */
export type GeoIpPrecision = 'city' | 'region' | 'country' | 'none';

/** The accepted `geoipPrecision` values, finest first. */
export const GEOIP_PRECISIONS: readonly GeoIpPrecision[] = ['city', 'region', 'country', 'none'];

/** The options after defaults, environment and validation: what providers inject. */
export interface ResolvedReceiverOptions {
  database: DataSourceOptions | string;
  migrationsRun: boolean;
  adminKey: string;
  ipHashSalt: string;
  appUrl: string;
  timezone: string;
  allowedOrigins: string[];
  trustedProxies: string[];
  geoipDatabase: string | undefined;
  userAgentDetail: UserAgentDetail;
  routePrefix: string;
  production: boolean;
  redis: string | undefined;
  redisPrefix: string;
  redisCommandTimeoutMs: number;
  databaseQueryTimeoutMs: number;
  sqliteWriter: SqliteWriter;
  /** Global retention per kind, days (0 = keep forever). */
  retention: RetentionDays;
  keepRollups: boolean;
  purgeIntervalMinutes: number;
  respectPrivacySignals: boolean;
  storeIpHash: boolean;
  geoipPrecision: GeoIpPrecision;
  stripQueryStrings: boolean;
  /** The host application's rate-limit storage, if it plugged one. */
  rateLimitStorage: RateLimitStorage | undefined;
  rateLimits: ResolvedRateLimits;
  /** The host application's analytics cache store, if it plugged one. */
  analyticsCacheStore: AnalyticsCacheStore | undefined;
  /** The host application's ingest queue factory, if it plugged one. */
  ingestQueue: ((writer: IngestBatchWriter) => IngestQueue) | undefined;
  /** The built-in queue in use (`inline` also when `ingestQueue` is plugged). */
  queue: IngestQueueDriver;
  redisQueue: ResolvedRedisQueueOptions;
  /** Bearer token of `/metrics`; `undefined` turns the exposition off. */
  metricsToken: string | undefined;
  realtime: ResolvedRealtimeOptions;
  alerts: { intervalSeconds: number; retryBaseSeconds: number };
}

/** {@link RedisQueueOptions} with defaults and environment applied. */
export interface ResolvedRedisQueueOptions {
  workers: boolean;
  concurrency: number;
  /** Empty: every kind. */
  kinds: string[];
  batchSize: number;
  maxBacklog: number;
  maxAttempts: number;
  claimIdleMs: number;
  expectedWorkers: number;
}
