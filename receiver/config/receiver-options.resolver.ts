import { isIP } from 'node:net';
import type { DataSourceOptions } from 'typeorm';
import { DEFAULT_ROUTE_PREFIX, DEFAULT_SQLITE_PATH } from './receiver-options.constants';
import { ReceiverMessages } from './receiver-options.messages';
import type {
  ReceiverModuleOptions,
  ResolvedReceiverOptions,
  UserAgentDetail,
} from './receiver-options.interface';

type Env = Record<string, string | undefined>;

const list = (value: string[] | string | undefined): string[] =>
  (Array.isArray(value) ? value : (value ?? '').split(','))
    .map((entry) => entry.trim())
    .filter(Boolean);

const bool = (value: string | undefined): boolean | undefined =>
  value === undefined || value === '' ? undefined : /^(1|true|yes|on)$/i.test(value);

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

const USER_AGENT_DETAILS: readonly UserAgentDetail[] = ['contract', 'detailed'];

function userAgentDetail(value: string | undefined): UserAgentDetail {
  const detail = value || 'contract';
  if (!(USER_AGENT_DETAILS as readonly string[]).includes(detail)) {
    throw new Error(ReceiverMessages.badUserAgentDetail(detail));
  }
  return detail as UserAgentDetail;
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

/**
 * Merges explicit options over `RECEIVER_*` environment variables and defaults, and refuses to
 * start without the two secrets: a receiver with a guessable admin key or IP salt is worse than
 * no receiver.
 */
export function resolveReceiverOptions(
  options: ReceiverModuleOptions = {},
  env: Env = process.env,
): ResolvedReceiverOptions {
  const adminKey = options.adminKey ?? env.RECEIVER_ADMIN_KEY ?? '';
  if (!adminKey.trim()) {
    throw new Error(ReceiverMessages.missingSecret('adminKey', 'RECEIVER_ADMIN_KEY'));
  }
  const ipHashSalt = options.ipHashSalt ?? env.RECEIVER_IP_HASH_SALT ?? '';
  if (!ipHashSalt.trim()) {
    throw new Error(ReceiverMessages.missingSecret('ipHashSalt', 'RECEIVER_IP_HASH_SALT'));
  }
  const timezone = options.timezone ?? (env.RECEIVER_TIMEZONE || 'UTC');
  assertTimezone(timezone);
  const trustedProxies = list(options.trustedProxies ?? env.RECEIVER_TRUSTED_PROXIES);
  assertProxies(trustedProxies);
  const nodeEnv = env.NODE_ENV ?? '';
  const production =
    options.production ??
    bool(env.RECEIVER_PRODUCTION) ??
    !(nodeEnv === 'development' || nodeEnv === 'test');
  const database =
    options.database ??
    (env.RECEIVER_DATABASE_URL
      ? databaseFromUrl(env.RECEIVER_DATABASE_URL)
      : { type: 'better-sqlite3' as const, database: DEFAULT_SQLITE_PATH });
  const prefix = (
    options.routePrefix ??
    (env.RECEIVER_ROUTE_PREFIX || DEFAULT_ROUTE_PREFIX)
  ).replace(/^\/+|\/+$/g, '');
  return {
    database,
    migrationsRun: options.migrationsRun ?? bool(env.RECEIVER_MIGRATIONS_RUN) ?? true,
    adminKey,
    ipHashSalt,
    appUrl: (options.appUrl ?? env.RECEIVER_APP_URL ?? '').replace(/\/+$/, ''),
    timezone,
    allowedOrigins: list(options.allowedOrigins ?? env.RECEIVER_ALLOWED_ORIGINS),
    trustedProxies,
    geoipDatabase: options.geoipDatabase ?? (env.RECEIVER_GEOIP_DATABASE || undefined),
    userAgentDetail: userAgentDetail(options.userAgentDetail ?? env.RECEIVER_USER_AGENT_DETAIL),
    routePrefix: prefix,
    production,
    redis: options.redis ?? (env.RECEIVER_REDIS_URL || undefined),
    redisPrefix: options.redisPrefix ?? env.RECEIVER_REDIS_PREFIX ?? '',
  };
}
