import type { DataSource } from 'typeorm';
import { DEFAULT_SQLITE_PATH } from '../config/receiver-options.constants';
import { databaseFromUrl } from '../config/receiver-options.resolver';
import { createReceiverDataSource } from '../storage/data-source.factory';
import { type ReceiverCliOptions, stringOption } from './cli-args';

/**
 * The data source of a receiver command: `--database <url>`, else `RECEIVER_DATABASE_URL`, else
 * the default SQLite file — the same resolution as the module, so the CLI and the server agree.
 */
export function openCliDataSource(
  options: ReceiverCliOptions,
  env: Record<string, string | undefined> = process.env,
): Promise<DataSource> {
  const url = stringOption(options, 'database') ?? env.RECEIVER_DATABASE_URL;
  return createReceiverDataSource(
    url ? databaseFromUrl(url) : { type: 'better-sqlite3', database: DEFAULT_SQLITE_PATH },
  );
}
