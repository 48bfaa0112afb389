import { runCli } from '../../cli/cli';
import { createReceiverDataSource } from '../../receiver/storage/data-source.factory';
import {
  createIsolatedDatabase,
  describeEachEngine,
  type IsolatedDatabase,
} from '../support/services';
import { captureOutput, cliDatabaseUrl, createProjectWithCli } from '../support/receiver-cli';
import { countRows, seedAudit, seedVisit } from './lifecycle-fixtures';

const DAY = 86_400_000;

describeEachEngine('receiver purge command', (engine) => {
  let database: IsolatedDatabase;
  let projectId: number;
  const saved = process.env.RECEIVER_RETENTION_AUDIT_DAYS;

  beforeAll(async () => {
    database = await createIsolatedDatabase(engine);
    projectId = await createProjectWithCli(database, 'Purged', 'a.io');
    const db = await createReceiverDataSource(database.options);
    try {
      const old = new Date(Date.now() - 40 * DAY);
      const recent = new Date(Date.now() - DAY);
      await seedAudit(db, projectId, [old, old, recent]);
      await seedVisit(db, projectId, [old]);
    } finally {
      await db.destroy();
    }
    process.env.RECEIVER_RETENTION_AUDIT_DAYS = '30';
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.RECEIVER_RETENTION_AUDIT_DAYS;
    else process.env.RECEIVER_RETENTION_AUDIT_DAYS = saved;
    await database.drop();
  });

  const rows = async () => {
    const db = await createReceiverDataSource(database.options);
    try {
      return await countRows(db, projectId);
    } finally {
      await db.destroy();
    }
  };

  it('--dry-run names the database, prints the rows it would delete and deletes nothing', async () => {
    const run = captureOutput();
    expect(
      await runCli(
        ['receiver', 'purge', '--dry-run', '--database', cliDatabaseUrl(database)],
        run.output,
      ),
    ).toBe(0);
    expect(run.lines.out[0]).toMatch(/^Database: .* \(from --database\)$/);
    expect(run.lines.out[1]).toMatch(/^Dry run \(\d+ ms\): nothing deleted/);
    expect(run.lines.out.slice(2)).toEqual(['audit_logs         2']);
    expect((await rows()).audit_logs).toBe(3);
  });

  it('deletes what is older than the retention period of each kind, and only that kind', async () => {
    const run = captureOutput();
    expect(
      await runCli(['receiver', 'purge', '--database', cliDatabaseUrl(database)], run.output),
    ).toBe(0);
    expect(run.lines.out[1]).toMatch(/^Purge done in \d+ ms\. Rows deleted:$/);
    expect(run.lines.out.slice(2)).toEqual(['audit_logs         2']);
    const after = await rows();
    expect(after.audit_logs).toBe(1);
    // Pageviews have no period (RECEIVER_RETENTION_DAYS unset): the old visit stays.
    expect(after.pageviews).toBe(1);
  });

  it('refuses a misspelt retention variable naming it, before touching the database', async () => {
    process.env.RECEIVER_RETENTION_AUDIT_DAYS = 'thirty';
    try {
      const run = captureOutput();
      expect(
        await runCli(['receiver', 'purge', '--database', cliDatabaseUrl(database)], run.output),
      ).toBe(1);
      expect(run.lines.err.join('\n')).toContain('RECEIVER_RETENTION_AUDIT_DAYS');
    } finally {
      process.env.RECEIVER_RETENTION_AUDIT_DAYS = '30';
    }
  });
});
