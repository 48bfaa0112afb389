import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  ErrorGroupEntity,
  PageviewEntity,
  PrivacyRequestEntity,
  VisitorEntity,
} from '../../receiver/storage/entities';
import { createReceiverDataSource } from '../../receiver/storage/data-source.factory';
import { seedErrorGroup, seedVisit } from '../lifecycle/lifecycle-fixtures';
import {
  createIsolatedDatabase,
  describeEachEngine,
  type IsolatedDatabase,
} from '../support/services';
import { createProjectWithCli, runReceiverCli } from '../support/receiver-cli';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

const VISITOR = '3f1c9a52-7d4e-4b8a-9c1e-5a2b7e9d0f11';

describeEachEngine('receiver export-visitor and erase-visitor commands', (engine) => {
  let database: IsolatedDatabase;
  let db: DataSource;
  let projectId: number;
  let groupId: number;

  const cli = (command: string, ...args: string[]) => runReceiverCli(database, command, ...args);

  beforeAll(async () => {
    database = await createIsolatedDatabase(engine);
    projectId = await createProjectWithCli(database, 'Shop', 'shop.io');
    db = await createReceiverDataSource(database.options);
    const now = new Date();
    await seedVisit(db, projectId, [now, now, now], sha256(VISITOR));
    await seedVisit(db, projectId, [now]);
    groupId = await seedErrorGroup(db, projectId, [now], { visitor_id: VISITOR });
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('prints the visitor as JSON on stdout (the database line on stderr) and logs the request', async () => {
    const result = await cli(
      'export-visitor',
      '--project',
      String(projectId),
      '--visitor',
      VISITOR,
      '--requested-by',
      'ticket 4711',
    );
    expect(result.code).toBe(0);
    expect(result.err[0]).toMatch(/^Database: /);
    const document = JSON.parse(result.out.join('\n'));
    expect(document.rows).toMatchObject({
      visitors: 1,
      sessions: 1,
      pageviews: 3,
      error_events: 1,
      error_groups: 1,
    });
    expect(document.tables.visitors[0].visitor_hash).toBe(sha256(VISITOR));
    // Tables in name order, whatever order the modules registered in.
    const sorted = (keys: string[]) => [...keys].sort();
    expect(Object.keys(document.rows)).toEqual(sorted(Object.keys(document.rows)));
    expect(Object.keys(document.tables)).toEqual(sorted(Object.keys(document.rows)));
  });

  it('erases the visitor and the error group only it had, keeps the other visitor, logs who asked', async () => {
    const result = await cli(
      'erase-visitor',
      '--project',
      String(projectId),
      '--visitor',
      VISITOR,
      '--requested-by',
      'ticket 4711',
    );
    expect(result.code).toBe(0);
    const printed = result.out.slice(1).join('\n');
    expect(printed).toMatch(/Visitor erased \(privacy request \d+\)/);
    for (const line of [/^pageviews\s+3$/m, /^sessions\s+1$/m, /^visitors\s+1$/m]) {
      expect(printed).toMatch(line);
    }
    expect(printed).toMatch(/^error_events\s+1$/m);
    expect(printed).toMatch(/^error_groups\s+1$/m);
    // Her pageviews also leave the analytics rollups.
    expect(printed).toMatch(/^analytics_rollups\s+[1-9]\d*$/m);
    const tables = result.out.slice(2).map((line) => line.split(/\s+/)[0]);
    expect(tables).toEqual([...tables].sort());
    expect(await db.getRepository(VisitorEntity).count()).toBe(1);
    expect(await db.getRepository(PageviewEntity).count()).toBe(1);
    expect(await db.getRepository(ErrorGroupEntity).countBy({ id: groupId })).toBe(0);
    const log = await db.getRepository(PrivacyRequestEntity).find({ order: { id: 'ASC' } });
    expect(
      log.map(({ action, credential, requested_by, subject_hash, row_counts }) => ({
        action,
        credential,
        requested_by,
        subject_hash,
        pageviews: row_counts.pageviews,
      })),
    ).toEqual([
      {
        action: 'export',
        credential: 'cli',
        requested_by: 'ticket 4711',
        subject_hash: sha256(VISITOR),
        pageviews: 3,
      },
      {
        action: 'erase',
        credential: 'cli',
        requested_by: 'ticket 4711',
        subject_hash: sha256(VISITOR),
        pageviews: 3,
      },
    ]);
  });

  it('refuses a missing visitor or an unknown project with the message and exit code 1', async () => {
    const missing = await cli('erase-visitor', '--project', String(projectId));
    expect(missing.code).toBe(1);
    expect(missing.err.join('\n')).toContain('--visitor <id> option is required');
    const unknown = await cli('export-visitor', '--project', '99999', '--visitor', VISITOR);
    expect(unknown.code).toBe(1);
    expect(unknown.err.join('\n')).toContain('Project not found');
    expect(unknown.out).toEqual([]);
  });
});
