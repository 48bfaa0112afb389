import { isIP } from 'node:net';
import type { DataSourceOptions } from 'typeorm';
import { EnvReader, type EnvSource } from '../../lib/protocol';
import {
  DEFAULT_DATABASE_QUERY_TIMEOUT_MS,
  DEFAULT_PURGE_INTERVAL_MINUTES,
  DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
  DEFAULT_ROUTE_PREFIX,
  DEFAULT_SQLITE_PATH,
  MAX_RETENTION_DAYS,
  RETENTION_KINDS,
} from './receiver-options.constants';
import { ReceiverMessages } from './receiver-options.messages';
import { resolveRateLimits } from './rate-limit-options.resolver';
import { resolveQueueOptions } from './queue-options.resolver';
import { resolveRealtimeOptions } from './realtime-options.resolver';
import {
  GEOIP_PRECISIONS,
  SQLITE_WRITERS,
  type ReceiverModuleOptions,
  type ResolvedReceiverOptions,
  type RetentionDays,
  type UserAgentDetail,
} from './receiver-options.interface';

/** Turns `RECEIVER_DATABASE_URL` into TypeORM options. */
export function databaseFromUrl(url: string): DataSourceOptions {
  if (url.startsWith('sqlite:')) {
    return { type: 'better-sqlite3', database: url.slice('sqlite:'.length) || DEFAULT_SQLITE_PATH };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { type: 'postgres', url };
  if (/^(mysql|mariadb):\/\//.test(url)) {
    return { type: 'mysql', url: url.replace(/^mariadb:/, 'mysql:') };
  }
  throw new Error(ReceiverMessages.badDatabaseUrl(url));
}

function assertTimezone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new Error(ReceiverMessages.badTimezone(tz));
  }
}

const USER_AGENT_DETAILS: readonly string[] = ['contract', 'detailed'] satisfies UserAgentDetail[];

function userAgentDetail(e: EnvReader, given: unknown): UserAgentDetail {
  const env = 'RECEIVER_USER_AGENT_DETAIL';
  const value = given ?? e.string(env) ?? 'contract';
  if (typeof value !== 'string' || !USER_AGENT_DETAILS.includes(value)) {
    e.fail(
      'userAgentDetail',
      given === undefined ? env : undefined,
      value,
      '"contract" or "detailed"',
    );
  }
  return value as UserAgentDetail;
}

/** Global retention: each kind's own option or variable, else `retentionDays`, else 0 (keep). */
function retention(e: EnvReader, options: ReceiverModuleOptions): RetentionDays {
  const range = { min: 0, max: MAX_RETENTION_DAYS };
  const fallback =
    e.integer('retentionDays', 'RECEIVER_RETENTION_DAYS', range, options.retentionDays) ?? 0;
  const days = {} as RetentionDays;
  for (const kind of RETENTION_KINDS) {
    days[kind] =
      e.integer(
        `retention.${kind}`,
        `RECEIVER_RETENTION_${kind.toUpperCase()}_DAYS`,
        range,
        options.retention?.[kind],
      ) ?? fallback;
  }
  return days;
}

/**
 * A plugged object must have the methods the receiver will call: a mistake (a class instead of an
 * instance, a client instead of a store) stops the start naming the option, not the first request.
 */
function plugin<T>(
  e: EnvReader,
  option: string,
  given: unknown,
  methods: readonly string[],
  expected: string,
): T | undefined {
  if (given === undefined) return undefined;
  const fits =
    methods.length === 0
      ? typeof given === 'function'
      : typeof given === 'object' &&
        given !== null &&
        methods.every((m) => typeof (given as Record<string, unknown>)[m] === 'function');
  // A function would print its whole source: its name says enough.
  const shown = typeof given === 'function' ? `[function ${given.name || 'anonymous'}]` : given;
  if (!fits) e.fail(option, undefined, shown, expected);
  return given as T;
}

/** Shortest `metrics.token` accepted: a scrape token is a secret like the admin key. */
const MIN_METRICS_TOKEN_LENGTH = 16;

/** `metrics.token`: a string of at least 16 characters without white space, never echoed. */
function metricsToken(e: EnvReader, given: unknown): string | undefined {
  const env = 'RECEIVER_METRICS_TOKEN';
  const value = given ?? e.string(env);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length < MIN_METRICS_TOKEN_LENGTH || /\s/.test(value)) {
    e.fail(
      'metrics.token',
      given === undefined ? env : undefined,
      typeof value === 'string' ? '(hidden)' : value,
      `a token of at least ${MIN_METRICS_TOKEN_LENGTH} characters without spaces`,
    );
  }
  return value;
}

function assertProxies(entries: string[]): void {
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    const bitsOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits);
    if (!family || !bitsOk) throw new Error(ReceiverMessages.badTrustedProxy(entry));
  }
}

/** The route prefix (`api` by default), from the option or `RECEIVER_ROUTE_PREFIX`, without slashes. */
export function resolveRoutePrefix(
  given: string | undefined,
  env: EnvSource = process.env,
): string {
  const prefix =
    given ?? new EnvReader(env, 'receiver').string('RECEIVER_ROUTE_PREFIX') ?? DEFAULT_ROUTE_PREFIX;
  return prefix.replace(/^\/+|\/+$/g, '');
}

/**
 * Merges explicit options over `RECEIVER_*` environment variables and defaults, through the
 * protocol kernel's strict reader: a misspelt boolean (`RECEIVER_PRODUCTION=ture`) stops the start
 * naming the variable instead of silently meaning "not production" — which would open the
 * `X-Test-Mode` hook. It also refuses to start without the two secrets: a receiver with a
 * guessable admin key or IP salt is worse than no receiver.
 */
export function resolveReceiverOptions(
  options: ReceiverModuleOptions = {},
  env: EnvSource = process.env,
): ResolvedReceiverOptions {
  const e = new EnvReader(env, 'receiver');
  const adminKey = options.adminKey ?? e.string('RECEIVER_ADMIN_KEY') ?? '';
  if (!adminKey.trim()) {
    throw new Error(ReceiverMessages.missingSecret('adminKey', 'RECEIVER_ADMIN_KEY'));
  }
  const ipHashSalt = options.ipHashSalt ?? e.string('RECEIVER_IP_HASH_SALT') ?? '';
  if (!ipHashSalt.trim()) {
    throw new Error(ReceiverMessages.missingSecret('ipHashSalt', 'RECEIVER_IP_HASH_SALT'));
  }
  const timezone = options.timezone ?? e.string('RECEIVER_TIMEZONE') ?? 'UTC';
  assertTimezone(timezone);
  const trustedProxies =
    e.list('trustedProxies', 'RECEIVER_TRUSTED_PROXIES', options.trustedProxies) ?? [];
  assertProxies(trustedProxies);
  const nodeEnv = env.NODE_ENV ?? '';
  const production =
    e.boolean('production', 'RECEIVER_PRODUCTION', options.production) ??
    !(nodeEnv === 'development' || nodeEnv === 'test');
  const redis = options.redis ?? e.string('RECEIVER_REDIS_URL');
  const databaseUrl = e.string('RECEIVER_DATABASE_URL');
  const database =
    options.database ??
    (databaseUrl
      ? databaseFromUrl(databaseUrl)
      : { type: 'better-sqlite3' as const, database: DEFAULT_SQLITE_PATH });
  const routePrefix = resolveRoutePrefix(options.routePrefix, env);
  return {
    database,
    migrationsRun:
      e.boolean('migrationsRun', 'RECEIVER_MIGRATIONS_RUN', options.migrationsRun) ?? true,
    adminKey,
    ipHashSalt,
    appUrl: (options.appUrl ?? e.string('RECEIVER_APP_URL') ?? '').replace(/\/+$/, ''),
    timezone,
    allowedOrigins:
      e.list('allowedOrigins', 'RECEIVER_ALLOWED_ORIGINS', options.allowedOrigins) ?? [],
    trustedProxies,
    geoipDatabase: options.geoipDatabase ?? e.string('RECEIVER_GEOIP_DATABASE'),
    routePrefix,
    userAgentDetail: userAgentDetail(e, options.userAgentDetail),
    production,
    redis,
    redisPrefix: options.redisPrefix ?? e.string('RECEIVER_REDIS_PREFIX') ?? '',
    redisCommandTimeoutMs:
      e.integer(
        'redisCommandTimeoutMs',
        'RECEIVER_REDIS_COMMAND_TIMEOUT_MS',
        { min: 10, max: 60_000 },
        options.redisCommandTimeoutMs,
      ) ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
    databaseQueryTimeoutMs:
      e.integer(
        'databaseQueryTimeoutMs',
        'RECEIVER_DATABASE_QUERY_TIMEOUT_MS',
        { min: 0, max: 3_600_000 },
        options.databaseQueryTimeoutMs,
      ) ?? DEFAULT_DATABASE_QUERY_TIMEOUT_MS,
    sqliteWriter:
      e.oneOf('sqliteWriter', 'RECEIVER_SQLITE_WRITER', SQLITE_WRITERS, options.sqliteWriter) ??
      'thread',
    retention: retention(e, options),
    keepRollups: e.boolean('keepRollups', 'RECEIVER_KEEP_ROLLUPS', options.keepRollups) ?? false,
    purgeIntervalMinutes:
      e.integer(
        'purgeIntervalMinutes',
        'RECEIVER_PURGE_INTERVAL_MINUTES',
        { min: 0, max: 7 * 24 * 60 },
        options.purgeIntervalMinutes,
      ) ?? DEFAULT_PURGE_INTERVAL_MINUTES,
    respectPrivacySignals:
      e.boolean(
        'respectPrivacySignals',
        'RECEIVER_RESPECT_PRIVACY_SIGNALS',
        options.respectPrivacySignals,
      ) ?? false,
    storeIpHash: e.boolean('storeIpHash', 'RECEIVER_STORE_IP_HASH', options.storeIpHash) ?? true,
    geoipPrecision:
      e.oneOf(
        'geoipPrecision',
        'RECEIVER_GEOIP_PRECISION',
        GEOIP_PRECISIONS,
        options.geoipPrecision,
      ) ?? 'city',
    stripQueryStrings:
      e.boolean('stripQueryStrings', 'RECEIVER_STRIP_QUERY_STRINGS', options.stripQueryStrings) ??
      false,
    rateLimits: resolveRateLimits(e, options.rateLimit),
    rateLimitStorage: plugin(
      e,
      'rateLimit.storage',
      options.rateLimit?.storage,
      ['hit'],
      'an object with hit() (a RateLimitStorage)',
    ),
    analyticsCacheStore: plugin(
      e,
      'analyticsCache.store',
      options.analyticsCache?.store,
      ['get', 'set', 'deleteMatching'],
      'an object with get(), set() and deleteMatching() (an AnalyticsCacheStore)',
    ),
    ...resolveQueueOptions(e, options, redis),
    metricsToken: metricsToken(e, options.metrics?.token),
    realtime: resolveRealtimeOptions(e, options.realtime, routePrefix),
    alerts: {
      intervalSeconds:
        e.integer(
          'alerts.intervalSeconds',
          'RECEIVER_ALERTS_INTERVAL_SECONDS',
          { min: 0, max: 3600 },
          options.alerts?.intervalSeconds,
        ) ?? 15,
      retryBaseSeconds:
        e.integer(
          'alerts.retryBaseSeconds',
          'RECEIVER_ALERTS_RETRY_BASE_SECONDS',
          { min: 1, max: 3600 },
          options.alerts?.retryBaseSeconds,
        ) ?? 30,
    },
  };
}
