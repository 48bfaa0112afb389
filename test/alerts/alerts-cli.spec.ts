import type { DataSource } from 'typeorm';
import { runCli } from '../../cli/cli';
import { AlertDeliveryEntity, AlertRuleEntity } from '../../receiver/storage/entities';
import { createReceiverDataSource } from '../../receiver/storage/data-source.factory';
import {
  createIsolatedDatabase,
  describeEachEngine,
  type IsolatedDatabase,
} from '../support/services';
import { cliDatabaseUrl, createProjectWithCli } from '../support/receiver-cli';

describeEachEngine('receiver alerts commands', (engine) => {
  let database: IsolatedDatabase;
  let db: DataSource;
  let projectId: number;

  const cli = async (...args: string[]) => {
    const lines = { out: [] as string[], err: [] as string[] };
    const code = await runCli(['receiver', ...args, '--database', cliDatabaseUrl(database)], {
      out: (l) => lines.out.push(l),
      err: (l) => lines.err.push(l),
    });
    return { code, ...lines };
  };

  beforeAll(async () => {
    database = await createIsolatedDatabase(engine);
    projectId = await createProjectWithCli(database, 'Shop', 'shop.io');
    db = await createReceiverDataSource(database.options);
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('creates, lists, tests and deletes a rule with the API rules', async () => {
    const created = await cli(
      'alerts',
      'create',
      '--project',
      String(projectId),
      '--name',
      'Host down',
      '--kind',
      'host_stale',
      '--conditions',
      '{"minutes": 10, "host": "web-1"}',
      '--url',
      'https://hooks.slack.com/services/T/B/X',
      '--channel',
      'slack',
    );
    expect(created.code).toBe(0);
    const rule = await db.getRepository(AlertRuleEntity).findOneByOrFail({ name: 'Host down' });
    expect(rule).toMatchObject({
      kind: 'host_stale',
      channel: 'slack',
      conditions: { minutes: 10, host: 'web-1' },
    });

    const listed = await cli('alerts', 'list', '--project', String(projectId));
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.out.slice(1).join('\n'))).toEqual([
      expect.objectContaining({ id: rule.id, name: 'Host down' }),
    ]);

    expect((await cli('alerts', 'test', '--id', String(rule.id))).code).toBe(0);
    const log = await cli('alerts', 'deliveries', '--project', String(projectId));
    expect(JSON.parse(log.out.slice(1).join('\n'))).toEqual([
      expect.objectContaining({ rule_id: rule.id, kind: 'test', status: 'pending' }),
    ]);

    expect((await cli('alerts', 'delete', '--id', String(rule.id))).code).toBe(0);
    expect(await db.getRepository(AlertRuleEntity).count()).toBe(0);
    expect(await db.getRepository(AlertDeliveryEntity).count()).toBe(0);
  });

  it('refuses bad conditions before touching the database, with the API message', async () => {
    const bad = await cli(
      'alerts',
      'create',
      '--project',
      String(projectId),
      '--name',
      'x',
      '--kind',
      'error_threshold',
      '--conditions',
      '{"count": 0, "window_minutes": 5}',
      '--url',
      'https://h.example.com',
    );
    expect(bad.code).toBe(1);
    expect(bad.err.join('\n')).toContain('conditions.count must be a whole number from 1');
  });
});
