import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { EnvReader, type EnvSource } from '../../lib/protocol';
import { DEFAULT_SQLITE_PATH } from '../config/receiver-options.constants';
import { databaseFromUrl } from '../config/receiver-options.resolver';
import { ReceiverCliMessages } from './cli.messages';

/** The database a receiver command acts on, and what chose it. */
export interface ReceiverCliDatabase {
  options: DataSourceOptions;
  /** `--database`, `RECEIVER_DATABASE_URL` or the default file — printed beside the location. */
  source: string;
  /** A SQLite file that does not exist yet: the command creates it. */
  newFile: boolean;
}

const TYPE_NAMES: Partial<Record<DataSourceOptions['type'], string>> = {
  'better-sqlite3': 'SQLite',
  postgres: 'PostgreSQL',
  mysql: 'MySQL/MariaDB',
};

/** A connection URL with its password (and any password-like query parameter) masked. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
  if (parsed.password) parsed.password = '***';
  for (const key of [...parsed.searchParams.keys()]) {
    if (/pass|pwd|secret|key/i.test(key)) parsed.searchParams.set(key, '***');
  }
  return parsed.toString();
}

/**
 * Type, location and origin, password masked: `SQLite /abs/receiver.sqlite (from --database, new
 * file)` or `PostgreSQL postgres://app:***@db:5432/shop (from RECEIVER_DATABASE_URL)`.
 */
export function describeDatabase({ options, source, newFile }: ReceiverCliDatabase): string {
  const type = TYPE_NAMES[options.type] ?? options.type;
  const url = (options as { url?: string }).url;
  const where =
    options.type === 'better-sqlite3'
      ? options.database === ':memory:'
        ? options.database
        : resolve(options.database)
      : url
        ? redactUrl(url)
        : '(connection options)';
  const origin = source === 'default' ? 'default file' : `from ${source}`;
  return `${type} ${where} (${origin}${newFile ? ', new file' : ''})`;
}

/**
 * The database of a receiver command: `--database <url>`, else `RECEIVER_DATABASE_URL`, else the
 * default SQLite file — the same resolution as the module, so the CLI and the server agree. The
 * default file is never created behind the user's back: a typo in an environment or a command
 * run from the wrong directory would otherwise "succeed" on a new, empty database. Creating it
 * takes `--create`.
 */
export function resolveCliDatabase(
  flags: { database?: string; create: boolean },
  env: EnvSource,
): ReceiverCliDatabase {
  const given = flags.database;
  // The kernel's reader, as the module: trimmed, and `null`/empty mean "not set".
  const fromEnv = new EnvReader(env, 'receiver').string('RECEIVER_DATABASE_URL');
  const url = given ?? fromEnv;
  const database: DataSourceOptions = url
    ? databaseFromUrl(url)
    : { type: 'better-sqlite3', database: DEFAULT_SQLITE_PATH };
  const source = given ? '--database' : fromEnv ? 'RECEIVER_DATABASE_URL' : 'default';
  const newFile =
    database.type === 'better-sqlite3' &&
    database.database !== ':memory:' &&
    !existsSync(database.database);
  if (newFile && source === 'default' && !flags.create) {
    throw new Error(ReceiverCliMessages.noDatabase(resolve(DEFAULT_SQLITE_PATH)));
  }
  return { options: database, source, newFile };
}
