import type { QueryRunner } from 'typeorm';

/** Binary collations without trailing-space padding, best first (MariaDB, MySQL 8), then any. */
const EXACT_COLLATIONS = ['utf8mb4_nopad_bin', 'utf8mb4_0900_bin', 'utf8mb4_bin'];

/**
 * The column clause (`CHARACTER SET … COLLATE …`) that makes MariaDB/MySQL compare text exactly,
 * as SQLite and PostgreSQL do: the best binary collation the server has. Their default
 * collations compare case, accents and trailing spaces away (`Tab-1` = `tab-1`).
 */
export async function exactCollation(runner: QueryRunner): Promise<string> {
  const available: Array<{ Collation: string }> = await runner.query(
    `SHOW COLLATION WHERE Collation IN (${EXACT_COLLATIONS.map((c) => `'${c}'`).join(', ')})`,
  );
  const names = new Set(available.map((row) => row.Collation));
  return `CHARACTER SET utf8mb4 COLLATE ${EXACT_COLLATIONS.find((c) => names.has(c)) ?? 'utf8mb4_bin'}`;
}

/** The column clause of the database's default collation: how the columns were created. */
export async function defaultCollation(runner: QueryRunner): Promise<string> {
  const [{ charset, collation }] = await runner.query(
    'SELECT @@character_set_database AS charset, @@collation_database AS collation',
  );
  return `CHARACTER SET ${charset} COLLATE ${collation}`;
}
