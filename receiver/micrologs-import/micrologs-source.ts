import type { Connection, RowDataPacket } from 'mysql2/promise';
import { loadPackage } from '../../lib/packages/peer-packages';
import { MicrologsImportMessages } from './micrologs-import.messages';

/** One row of a Micrologs table, as mysql2 returns it (DATETIME as `YYYY-MM-DD HH:MM:SS` text). */
export type SourceRow = Record<string, unknown>;

/**
 * Reads a Micrologs v2 MySQL/MariaDB database (contract section 6) in id order, one page at a
 * time (keyset pagination: each page costs the same however far the import got). Timestamps are
 * read as the text the database holds — local wall times of the Micrologs server's zone — never
 * through the driver's own conversion, which would apply this process's zone.
 */
export class MicrologsSource {
  private constructor(private readonly connection: Connection) {}

  /** Connects to `url` (`mysql://user:password@host:port/database`). */
  static async open(url: string): Promise<MicrologsSource> {
    if (!/^(mysql|mariadb):\/\//i.test(url)) throw new Error(MicrologsImportMessages.badSource);
    const mysql = loadPackage<typeof import('mysql2')>('mysql2', MicrologsImportMessages.feature);
    const parsed = new URL(url.replace(/^mariadb:/i, 'mysql:'));
    const connection = mysql.createConnection({
      uri: parsed.toString(),
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: false,
      charset: 'utf8mb4',
    });
    const promises = connection.promise();
    // The first query says whether the server and credentials work.
    await promises.query('SELECT 1');
    return new MicrologsSource(promises);
  }

  /** Rows in `table`, or `null` when the database has no such table (not a Micrologs database). */
  async count(table: string): Promise<number | null> {
    try {
      const [rows] = await this.connection.query<RowDataPacket[]>(
        `SELECT COUNT(*) AS n FROM \`${table}\``,
      );
      return Number(rows[0].n);
    } catch (error) {
      if ((error as { code?: string }).code === 'ER_NO_SUCH_TABLE') return null;
      throw error;
    }
  }

  /** Up to `limit` rows of `table` with an id above `afterId`, in id order. */
  async page(
    table: string,
    columns: readonly string[],
    afterId: number,
    limit: number,
  ): Promise<SourceRow[]> {
    const list = columns.map((name) => `\`${name}\``).join(', ');
    const [rows] = await this.connection.query<RowDataPacket[]>(
      `SELECT ${list} FROM \`${table}\` WHERE id > ? ORDER BY id LIMIT ?`,
      [afterId, limit],
    );
    return rows as SourceRow[];
  }

  async close(): Promise<void> {
    await this.connection.end();
  }
}
