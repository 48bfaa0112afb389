import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import { ProjectEntity, RECEIVER_MIGRATIONS_TABLE } from '../../receiver';
import { AuditLogEntity } from '../../receiver/storage/entities/audit-log.entity';
import { PageviewEntity } from '../../receiver/storage/entities/pageview.entity';
import { SessionEntity } from '../../receiver/storage/entities/session.entity';
import { VisitorEntity } from '../../receiver/storage/entities/visitor.entity';
import { createReceiverDataSource } from '../../receiver/storage/data-source.factory';
import {
  createIsolatedDatabase,
  describeEachEngine,
  type EngineName,
  type IsolatedDatabase,
} from '../support/services';
import { parseCodeBlocks } from './markdown-blocks';
import { documentedSchema, staleColumns, undocumentedColumns } from './privacy-doc-tables';

const PRIVACY_DOC = resolve(__dirname, '../../docs/privacy.md');

/** The SQL statements of the erasure recipe, `:name` parameters replaced by literal values. */
function erasureStatements(values: Record<string, number | string>): string[] {
  const blocks = parseCodeBlocks('docs/privacy.md', readFileSync(PRIVACY_DOC, 'utf8')).filter(
    (block) => block.lang === 'sql',
  );
  expect(blocks).toHaveLength(1);
  return blocks[0].body
    .split(';')
    .map((statement) => statement.replace(/--.*$/gm, '').trim())
    .filter(Boolean)
    .map((statement) =>
      statement.replace(/:([a-z]+)/g, (_, name: string) => {
        const value = values[name];
        if (value === undefined) throw new Error(`no value for :${name}`);
        return typeof value === 'number' ? String(value) : `'${value.replace(/'/g, "''")}'`;
      }),
    );
}

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

describeEachEngine('docs/privacy.md: the erasure recipe', (engine) => {
  let database: IsolatedDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createIsolatedDatabase(engine);
    dataSource = await createReceiverDataSource(database.options);
    await dataSource.runMigrations();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('removes one visitor and one actor of one project, and nothing else', async () => {
    const now = new Date();
    const project = async (n: number) =>
      dataSource.getRepository(ProjectEntity).save({
        name: `p${n}`,
        secret_key: `${n}`.repeat(64),
        public_key: `${n}`.repeat(32),
        allowed_domains: 'example.com',
        is_active: true,
        signing_secret: null,
        encryption_key: null,
        token_policy: 'auto',
        created_at: now,
        updated_at: now,
      });
    const visit = async (projectId: number, hash: string) => {
      const visitor = await dataSource.getRepository(VisitorEntity).save({
        project_id: projectId,
        visitor_hash: hash.repeat(64),
        fingerprint_hash: '',
        first_seen: now,
        last_seen: now,
      });
      const session = await dataSource.getRepository(SessionEntity).save({
        project_id: projectId,
        visitor_id: visitor.id,
        session_token: `${hash}-session`,
        started_at: now,
        last_activity: now,
        is_bounced: false,
      });
      for (const page of ['/a', '/b'])
        await dataSource.getRepository(PageviewEntity).save({
          project_id: projectId,
          session_id: session.id,
          visitor_id: visitor.id,
          url: `https://example.com${page}`,
          created_at: now,
        });
      await dataSource.getRepository(AuditLogEntity).save({
        project_id: projectId,
        action: 'user.login',
        actor: `${hash}@example.com`,
        ip_hash: '',
        context: null,
        created_at: now,
      });
      return visitor.id;
    };
    const shop = await project(1);
    const blog = await project(2);
    const erased = await visit(shop.id, 'a');
    await visit(shop.id, 'b');
    await visit(blog.id, 'a'); // the same person on another project: a separate request

    for (const statement of erasureStatements({
      project: shop.id,
      visitor: erased,
      actor: 'a@example.com',
    }))
      await dataSource.query(statement);

    expect(await dataSource.getRepository(VisitorEntity).countBy({ id: erased })).toBe(0);
    expect(await dataSource.getRepository(SessionEntity).countBy({ visitor_id: erased })).toBe(0);
    expect(await dataSource.getRepository(PageviewEntity).countBy({ visitor_id: erased })).toBe(0);
    expect(await dataSource.getRepository(VisitorEntity).count()).toBe(2);
    expect(await dataSource.getRepository(SessionEntity).count()).toBe(2);
    expect(await dataSource.getRepository(PageviewEntity).count()).toBe(4);
    const actors = await dataSource.getRepository(AuditLogEntity).find({ order: { id: 'ASC' } });
    expect(
      actors.map((row) => `${row.project_id === shop.id ? 'shop' : 'blog'}:${row.actor}`),
    ).toEqual(['shop:b@example.com', 'blog:a@example.com']);
  });
});
