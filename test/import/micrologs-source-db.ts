import { randomBytes } from 'node:crypto';
import { MICROLOGS_DDL } from './micrologs-schema';
import type { Row } from './micrologs-fixture';

/** A private Micrologs database in the shared MariaDB, dropped by {@link drop}. */
export interface MicrologsSourceDb {
  /** `mysql://…/micrologs_import_<random>`, as `--from` takes it. */
  url: string;
  drop(): Promise<void>;
}

/** Creates `micrologs_import_<random>` with the Micrologs schema and fills it with `tables`. */
export async function createMicrologsSource(
  base: string,
  tables: Record<string, Row[]>,
): Promise<MicrologsSourceDb> {
  const mysql = await import('mysql2/promise');
  const name = `micrologs_import_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection(base);
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const db = await mysql.createConnection({ uri: url.toString(), charset: 'utf8mb4' });
  try {
    // Micrologs installations run without NO_ZERO_DATE; the fixture holds a zero date on purpose.
    await db.query(`SET SESSION sql_mode = ''`);
    for (const ddl of MICROLOGS_DDL) await db.query(ddl);
    for (const [table, rows] of Object.entries(tables)) {
      if (rows.length === 0) continue;
      const columns = Object.keys(rows[0]);
      for (let start = 0; start < rows.length; start += 2_000) {
        const chunk = rows.slice(start, start + 2_000).map((row) => columns.map((c) => row[c]));
        await db.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ?`, [chunk]);
      }
    }
  } finally {
    await db.end();
  }
  return {
    url: url.toString(),
    drop: async () => {
      const c = await mysql.createConnection(base);
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
      await c.end();
    },
  };
}
