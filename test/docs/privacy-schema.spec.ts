import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import { RECEIVER_MIGRATIONS_TABLE } from '../../receiver';
import { createReceiverDataSource } from '../../receiver/storage/data-source.factory';
import {
  createIsolatedDatabase,
  describeEachEngine,
  type EngineName,
  type IsolatedDatabase,
} from '../support/services';
import { documentedSchema, staleColumns, undocumentedColumns } from './privacy-doc-tables';

const PRIVACY_DOC = resolve(__dirname, '../../docs/privacy.md');

/** Every `table.column` of the connected database, from the engine's own catalogue. */
async function schemaColumns(dataSource: DataSource, engine: EngineName): Promise<string[]> {
  const sql = {
    sqlite:
      "SELECT m.name AS table_name, p.name AS column_name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
    postgres:
      'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()',
    mariadb:
      'SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name FROM information_schema.columns WHERE table_schema = DATABASE()',
  }[engine];
  const rows: { table_name: string; column_name: string }[] = await dataSource.query(sql);
  return rows
    .filter((row) => row.table_name !== RECEIVER_MIGRATIONS_TABLE)
    .map((row) => `${row.table_name}.${row.column_name}`)
    .sort();
}

describe('docs/privacy.md: the storage convention', () => {
  it('has one column table per database table, every row naming a column and saying what it holds', () => {
    expect(documentedSchema(readFileSync(PRIVACY_DOC, 'utf8')).problems).toEqual([]);
  });

  it('reports a missing column, a stale row and a row without description by name', () => {
    const doc = [
      '### `pages`',
      '',
      '| Column | What it holds |',
      '|---|---|',
      '| `id` | Row id |',
      '| `title` | |',
      '| `gone` | Dropped long ago |',
      '| `url_ci` (MariaDB) | Lower-case copy of the URL |',
      '',
      '```text',
      '### `not_a_table`',
      '```',
    ].join('\n');
    const parsed = documentedSchema(doc);
    const schema = ['pages.id', 'pages.title', 'pages.url'];
    expect(parsed.problems).toEqual(['line 6: `pages.title` has an empty description']);
    expect(undocumentedColumns(schema, parsed.columns, 'sqlite')).toEqual(['pages.url']);
    expect(staleColumns(schema, parsed.columns, 'sqlite')).toEqual(['pages.gone (line 7)']);
    expect(staleColumns(schema, parsed.columns, 'mariadb')).toEqual([
      'pages.gone (line 7)',
      'pages.url_ci (line 8)',
    ]);
    expect(undocumentedColumns([...schema, 'pages.url_ci'], parsed.columns, 'postgres')).toEqual([
      'pages.url',
      'pages.url_ci',
    ]);
  });
});

describeEachEngine(
  'docs/privacy.md describes every stored column of the migrated schema',
  (engine) => {
    let database: IsolatedDatabase;
    let dataSource: DataSource;
    let schema: string[];
    const documented = documentedSchema(readFileSync(PRIVACY_DOC, 'utf8')).columns;

    beforeAll(async () => {
      database = await createIsolatedDatabase(engine);
      dataSource = await createReceiverDataSource(database.options);
      await dataSource.runMigrations();
      schema = await schemaColumns(dataSource, engine);
    });

    afterAll(async () => {
      await dataSource?.destroy();
      await database?.drop();
    });

    it('finds the tables the receiver stores its data in', () => {
      // Guards the catalogue query itself: an empty answer would make the next tests pass vacuously.
      expect(schema).toEqual(expect.arrayContaining(['pageviews.url', 'visitors.visitor_hash']));
      expect(schema.some((name) => name.startsWith(`${RECEIVER_MIGRATIONS_TABLE}.`))).toBe(false);
    });

    it('has a privacy.md row for every column (add one under the table heading)', () => {
      expect(undocumentedColumns(schema, documented, engine)).toEqual([]);
    });

    it('has no privacy.md row for a column that does not exist (stale documentation)', () => {
      expect(staleColumns(schema, documented, engine)).toEqual([]);
    });
  },
);
