import type { DataSource } from 'typeorm';
import { RECEIVER_MIGRATIONS, RECEIVER_MIGRATIONS_TABLE, ProjectEntity } from '../../receiver';
import { AuditLogEntity } from '../../receiver/storage/entities/audit-log.entity';
import { createReceiverDataSource } from '../../receiver/storage/data-source.factory';
import { ErrorEventEntity } from '../../receiver/storage/entities/error-event.entity';
import { ErrorGroupEntity } from '../../receiver/storage/entities/error-group.entity';
import { LinkClickEntity } from '../../receiver/storage/entities/link-click.entity';
import { SessionEntity } from '../../receiver/storage/entities/session.entity';
import { TrackedLinkEntity } from '../../receiver/storage/entities/tracked-link.entity';
import { VisitorEntity } from '../../receiver/storage/entities/visitor.entity';
import {
  createIsolatedDatabase,
  describeEachEngine,
  type IsolatedDatabase,
} from '../support/services';

describeEachEngine('receiver storage', (engine) => {
  let database: IsolatedDatabase;
  let dataSource: DataSource;
  let projectId: number;
  let otherProjectId: number;

  beforeAll(async () => {
    database = await createIsolatedDatabase(engine);
    dataSource = await createReceiverDataSource(database.options);
    await dataSource.runMigrations();
    const projects = dataSource.getRepository(ProjectEntity);
    const make = (n: number) =>
      projects.save(
        projects.create({
          name: `p${n}`,
          secret_key: `${n}`.repeat(64).slice(0, 64),
          public_key: `${n}`.repeat(32).slice(0, 32),
          allowed_domains: 'a.com',
          is_active: true,
          signing_secret: null,
          encryption_key: null,
          token_policy: 'auto',
          created_at: new Date(),
          updated_at: new Date(),
        }),
      );
    projectId = (await make(1)).id;
    otherProjectId = (await make(2)).id;
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('runs migrations idempotently and can revert them', async () => {
    expect(await dataSource.runMigrations()).toEqual([]);
    expect(await dataSource.showMigrations()).toBe(false);
  });

  it('keeps only the pageview and visitor indexes a statement reads: each is written by every ingest', async () => {
    const runner = dataSource.createQueryRunner();
    const names = async (table: string): Promise<string[]> => {
      const found = await runner.getTable(table);
      return [...(found?.indices ?? []), ...(found?.uniques ?? [])]
        .map((index) => String(index.name))
        .sort();
    };
    try {
      expect(await names('pageviews')).toEqual([
        'ix_pageviews_project_created_visitor',
        'ix_pageviews_session',
        'ix_pageviews_visitor',
        'uq_pageviews_event_id',
      ]);
      expect(await names('visitors')).toEqual([
        'ix_visitors_project_first_seen',
        'uq_visitors_project_hash',
      ]);
    } finally {
      await runner.release();
    }
  });

  it('stores timestamps as UTC instants that read back unchanged', async () => {
    const at = new Date('2026-06-30T23:59:58.000Z');
    const repo = dataSource.getRepository(VisitorEntity);
    const saved = await repo.save(
      repo.create({
        project_id: projectId,
        visitor_hash: 'v'.repeat(64),
        fingerprint_hash: '',
        first_seen: at,
        last_seen: at,
      }),
    );
    const read = await repo.findOneByOrFail({ id: saved.id });
    expect(read.first_seen.toISOString()).toBe(at.toISOString());
    expect(typeof read.id).toBe('number');
  });

  it('keys sessions by (project, token): the same token may exist in two projects', async () => {
    const visitors = dataSource.getRepository(VisitorEntity);
    const sessions = dataSource.getRepository(SessionEntity);
    const now = new Date();
    const v1 = await visitors.save({
      project_id: projectId,
      visitor_hash: 'a'.repeat(64),
      first_seen: now,
      last_seen: now,
    });
    const v2 = await visitors.save({
      project_id: otherProjectId,
      visitor_hash: 'a'.repeat(64),
      first_seen: now,
      last_seen: now,
    });
    const row = (project_id: number, visitor_id: number) => ({
      project_id,
      visitor_id,
      session_token: 's'.repeat(64),
      started_at: now,
      last_activity: now,
      is_bounced: true,
    });
    await sessions.insert(row(projectId, v1.id));
    await sessions.insert(row(otherProjectId, v2.id));
    await expect(sessions.insert(row(projectId, v1.id))).rejects.toThrow();
  });

  it('keeps link codes unique whatever their case', async () => {
    const links = dataSource.getRepository(TrackedLinkEntity);
    const link = (code: string, project_id = projectId) => ({
      project_id,
      code,
      destination_url: 'https://example.com',
      label: '',
      is_active: true,
      created_at: new Date(),
    });
    await links.insert(link('AbCd1234'));
    await expect(links.insert(link('abcd1234', otherProjectId))).rejects.toThrow();
    await links.insert(link('AbCd1235'));
  });

  it('preserves JSON context exactly: {} stays {}, key order kept, null stays NULL', async () => {
    const audits = dataSource.getRepository(AuditLogEntity);
    const base = {
      project_id: projectId,
      action: 'login',
      actor: '',
      ip_hash: '',
      created_at: new Date(),
    };
    const empty = await audits.save(audits.create({ ...base, context: {} }));
    const ordered = await audits.save(
      audits.create({ ...base, context: { z: 1, a: [1, { b: 2 }] } }),
    );
    const none = await audits.save(audits.create({ ...base, context: null }));
    expect((await audits.findOneByOrFail({ id: empty.id })).context).toEqual({});
    expect(JSON.stringify((await audits.findOneByOrFail({ id: ordered.id })).context)).toBe(
      '{"z":1,"a":[1,{"b":2}]}',
    );
    expect((await audits.findOneByOrFail({ id: none.id })).context).toBeNull();
  });

  it('cascades error events with their group and stores 64 KB stack traces', async () => {
    const groups = dataSource.getRepository(ErrorGroupEntity);
    const events = dataSource.getRepository(ErrorEventEntity);
    const now = new Date();
    const group = await groups.save(
      groups.create({
        project_id: projectId,
        fingerprint: 'f'.repeat(64),
        first_seen: now,
        last_seen: now,
      }),
    );
    const trace = 'x'.repeat(65_535);
    const event = await events.save(
      events.create({
        group_id: group.id,
        project_id: projectId,
        stack_trace: trace,
        context: { a: 1 },
        created_at: now,
      }),
    );
    expect((await events.findOneByOrFail({ id: event.id })).stack_trace).toHaveLength(65_535);
    await groups.delete({ id: group.id });
    expect(await events.countBy({ group_id: group.id })).toBe(0);
  });

  /** Rollups marked complete, then the `undone` migrations applied again: the state they leave. */
  const rollupStateAfterRedo = async (undone: number): Promise<unknown> => {
    await dataSource.query(
      "UPDATE analytics_rollup_state SET status = 'ready', time_zone = 'UTC', built_through = '2026-11-30'",
    );
    expect(await dataSource.runMigrations()).toHaveLength(undone);
    const [state] = await dataSource.query(
      'SELECT status, built_through FROM analytics_rollup_state',
    );
    return state;
  };

  it('gives links clicker ids: rollups of stored clicks go back to pending, and a link takes its clickers along', async () => {
    const link = await dataSource.getRepository(TrackedLinkEntity).save({
      project_id: projectId,
      code: 'Clickers1',
      destination_url: 'https://example.com',
      label: '',
      is_active: true,
      created_at: new Date(),
    });
    await dataSource.getRepository(LinkClickEntity).insert({
      link_id: link.id,
      project_id: projectId,
      referrer_category: 'direct',
      ip_hash: 'a'.repeat(64),
      created_at: new Date(),
    });
    // Back to before the migration, with rollups complete (built with the IP hashes).
    const runner = dataSource.createQueryRunner();
    let undone = 0;
    try {
      while (await runner.hasTable('link_clickers')) {
        await dataSource.undoLastMigration();
        undone++;
      }
    } finally {
      await runner.release();
    }
    expect(await rollupStateAfterRedo(undone)).toEqual({ status: 'pending', built_through: null });
    await dataSource.query(
      `INSERT INTO link_clickers (link_id, ip_hash) VALUES (${link.id}, '${'a'.repeat(64)}')`,
    );
    await dataSource.getRepository(LinkClickEntity).delete({ link_id: link.id });
    await dataSource.getRepository(TrackedLinkEntity).delete({ id: link.id });
    const [{ n }] = await dataSource.query('SELECT COUNT(*) AS n FROM link_clickers');
    expect(Number(n)).toBe(0);
  });

  it('counts audit actions in the rollups: complete rollups go back to pending when audits exist', async () => {
    await dataSource.getRepository(AuditLogEntity).insert({
      project_id: projectId,
      action: 'login',
      actor: 'ann',
      ip_hash: '',
      created_at: new Date(),
    });
    const applied = async (): Promise<string[]> =>
      (await dataSource.query(`SELECT name FROM ${RECEIVER_MIGRATIONS_TABLE}`)).map(
        (row: { name: string }) => row.name,
      );
    // Back to before the migration, with rollups complete (built without the action counts).
    let undone = 0;
    while ((await applied()).includes('AuditActionRollups1764980000000')) {
      await dataSource.undoLastMigration();
      undone++;
    }
    expect(undone).toBeGreaterThan(0);
    expect(await rollupStateAfterRedo(undone)).toEqual({ status: 'pending', built_through: null });
  });

  it('drops every table on revert and recreates them', async () => {
    for (let i = 0; i < RECEIVER_MIGRATIONS.length; i++) await dataSource.undoLastMigration();
    const runner = dataSource.createQueryRunner();
    try {
      expect(await runner.hasTable('projects')).toBe(false);
      expect(await runner.hasTable('telemetry_samples')).toBe(false);
    } finally {
      await runner.release();
    }
    expect(await dataSource.runMigrations()).toHaveLength(RECEIVER_MIGRATIONS.length);
  });
});
