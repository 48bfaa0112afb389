/**
 * The real engines the suites run against. `npm test` probes PostgreSQL, MariaDB and Redis and
 * passes the URLs of those that answered through TEST_POSTGRES_URL, TEST_MARIADB_URL and
 * TEST_REDIS_URL; an empty variable means "not available here" and the matching cases are skipped
 * (CI makes them mandatory, so there they always run).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type EngineName = 'sqlite' | 'postgres' | 'mariadb';

/** TypeORM connection options for one freshly created, empty database. */
export interface IsolatedDatabase {
  engine: EngineName;
  /** Options accepted by `new DataSource(...)` / `ReceiverModule.forRoot({ database })`. */
  options:
    | { type: 'better-sqlite3'; database: string }
    | { type: 'postgres'; url: string }
    | { type: 'mysql'; url: string };
  /** Drops the database (or deletes the SQLite file). */
  drop(): Promise<void>;
}

export const postgresUrl = (): string | undefined => process.env.TEST_POSTGRES_URL || undefined;
export const mariadbUrl = (): string | undefined => process.env.TEST_MARIADB_URL || undefined;
export const redisUrl = (): string | undefined => process.env.TEST_REDIS_URL || undefined;

/** The engines available in this run: SQLite always, the others when their server answered. */
export function availableEngines(): EngineName[] {
  const engines: EngineName[] = ['sqlite'];
  if (postgresUrl()) engines.push('postgres');
  if (mariadbUrl()) engines.push('mariadb');
  return engines;
}

/** `describe` over every available engine: `describeEachEngine('projects API', (engine) => ...)`. */
export function describeEachEngine(title: string, body: (engine: EngineName) => void): void {
  describe.each(availableEngines())(`${title} [%s]`, body);
}

/** `describe` that runs only when Redis answered (`npm test` says so when it is skipped). */
export const describeWithRedis: jest.Describe = (
  redisUrl() ? describe : describe.skip
) as jest.Describe;

const uniqueName = (): string => `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

/**
 * Creates an empty database on the given engine, unique to the caller, and returns its options.
 * MariaDB databases default to the binary `utf8mb4_bin`; `mariadbCollation` gives another (e.g.
 * `utf8mb4_general_ci`, what a `CREATE DATABASE` without options gives on most servers).
 */
export async function createIsolatedDatabase(
  engine: EngineName,
  mariadbCollation = 'utf8mb4_bin',
): Promise<IsolatedDatabase> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'nestjs-telemetry-'));
    return {
      engine,
      options: { type: 'better-sqlite3', database: join(dir, 'receiver.sqlite') },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = uniqueName();
  if (engine === 'postgres') {
    const base = postgresUrl();
    if (!base) throw new Error('PostgreSQL is not available (TEST_POSTGRES_URL is empty)');
    const { Client } = await import('pg');
    const admin = new Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    return {
      engine,
      options: { type: 'postgres', url: url.toString() },
      drop: async () => {
        const c = new Client({ connectionString: base });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const base = mariadbUrl();
  if (!base) throw new Error('MariaDB is not available (TEST_MARIADB_URL is empty)');
  const mysql = await import('mysql2/promise');
  const admin = await mysql.createConnection(base);
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE ${mariadbCollation}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    engine,
    options: { type: 'mysql', url: url.toString() },
    drop: async () => {
      const c = await mysql.createConnection(base);
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
      await c.end();
    },
  };
}

/** A Redis key prefix unique to the calling test, so parallel suites never see each other's keys. */
export const uniqueRedisPrefix = (label: string): string =>
  `test:${label}:${randomBytes(4).toString('hex')}:`;

/** Path of the Debian Chromium binary, when installed (browser suites are skipped otherwise). */
export const chromiumPath = (): string | undefined => process.env.TEST_CHROMIUM_PATH || undefined;

/**
 * Path of Debian's Prometheus binary (`apt-get install -y prometheus`), when installed: the
 * Prometheus suite is skipped otherwise — unless `REQUIRE_SERVICES` lists `prometheus`, which
 * makes its absence a failure (CI).
 */
export const prometheusPath = (): string | undefined => {
  const path = process.env.TEST_PROMETHEUS_PATH || undefined;
  const required = (process.env.REQUIRE_SERVICES ?? '').split(',').map((s) => s.trim());
  if (!path && required.includes('prometheus')) {
    throw new Error('Prometheus is required (REQUIRE_SERVICES) but TEST_PROMETHEUS_PATH is empty');
  }
  return path;
};
