import type { DataSource } from 'typeorm';
import { createReceiverDataSource } from '../../receiver/storage/data-source.factory';
import {
  TelemetryHostEntity,
  TelemetryLatestEntity,
  VisitorEntity,
} from '../../receiver/storage/entities';
import { SqlRunner } from '../../receiver/storage/sql/sql-runner';
import { ProjectEvents } from '../../receiver/projects/project.events';
import { ProjectDataRegistry } from '../../receiver/projects/project-data.registry';
import { ProjectKeysService } from '../../receiver/projects/project-keys.service';
import { ProjectsService } from '../../receiver/projects/projects.service';
import {
  createIsolatedDatabase,
  describeEachEngine,
  type IsolatedDatabase,
} from '../support/services';

/**
 * The storage SQL seam on the receiver's real schema: the same calls must store and read the
 * same rows on every engine, whatever the engine's spelling of placeholders, insert-ignore and
 * upsert.
 */
describeEachEngine('SqlRunner on the receiver schema', (engine) => {
  let db: IsolatedDatabase;
  let dataSource: DataSource;
  let sql: SqlRunner;
  let projectId: number;

  beforeAll(async () => {
    db = await createIsolatedDatabase(engine);
    dataSource = await createReceiverDataSource(db.options);
    await dataSource.runMigrations();
    sql = new SqlRunner(dataSource);
    const events = new ProjectEvents();
    const projects = new ProjectsService(
      dataSource,
      { timezone: 'UTC' } as never,
      events,
      new ProjectDataRegistry(),
      new ProjectKeysService(dataSource, events),
    );
    projectId = (
      await projects.create({ name: 'Shop', domains: ['shop.example.com'], settings: {} })
    ).id;
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const at = (iso: string) => new Date(iso);

  it('binds values in text order, for IN lists as well as single values', async () => {
    const rows = await sql.rows<{ n: number | string }>(
      (p) =>
        `SELECT COUNT(*) AS n FROM ${sql.table(VisitorEntity)} WHERE id IN (${p.list([1, 2, 3])}) AND visitor_hash <> ${p.add('x')}`,
    );
    expect(Number(rows[0].n)).toBe(0);
  });

  it('insertIgnore keeps the first row of a unique key and stores the new ones', async () => {
    const visitor = (hash: string, fingerprint: string) => ({
      project_id: projectId,
      visitor_hash: hash,
      fingerprint_hash: fingerprint,
      first_seen: at('2026-03-01T10:00:00Z'),
      last_seen: at('2026-03-01T10:00:00Z'),
    });
    await sql.insertIgnore(VisitorEntity, [visitor('a', 'first')]);
    await sql.insertIgnore(VisitorEntity, [visitor('a', 'second'), visitor('b', 'other')]);
    const stored = await dataSource
      .getRepository(VisitorEntity)
      .find({ where: { project_id: projectId }, order: { visitor_hash: 'ASC' } });
    expect(stored.map((v) => [v.visitor_hash, v.fingerprint_hash])).toEqual([
      ['a', 'first'],
      ['b', 'other'],
    ]);
  });

  it('insertIgnore skips duplicates only: a value too long for its column is never stored cut', async () => {
    const visitor = (hash: string) => ({
      project_id: projectId,
      visitor_hash: hash,
      fingerprint_hash: 'f',
      first_seen: at('2026-03-01T10:00:00Z'),
      last_seen: at('2026-03-01T10:00:00Z'),
    });
    const tooLong = 'x'.repeat(300); // visitor_hash is varchar(64)
    const outcome = await sql.insertIgnore(VisitorEntity, [visitor(tooLong)]).then(
      () => 'stored',
      () => 'rejected',
    );
    const stored = await dataSource
      .getRepository(VisitorEntity)
      .find({ where: { project_id: projectId } });
    // SQLite does not bound varchar: it keeps the whole value. PostgreSQL and MariaDB refuse
    // it — MariaDB's INSERT IGNORE stored it cut to 64 characters, silently.
    if (engine === 'sqlite') expect(outcome).toBe('stored');
    else expect(outcome).toBe('rejected');
    expect(
      stored.filter((v) => v.visitor_hash.startsWith('xxx') && v.visitor_hash !== tooLong),
    ).toEqual([]);
  });

  it('the newer-wins upsert replaces a value only with one collected at least as late', async () => {
    const host = await dataSource.getRepository(TelemetryHostEntity).save(
      dataSource.getRepository(TelemetryHostEntity).create({
        project_id: projectId,
        host: 'web-1',
        status: 'approved',
        response_extras: {},
        first_seen: at('2026-03-01T00:00:00Z'),
      }),
    );
    const latest = (value: unknown, collected: string) => ({
      project_id: projectId,
      host_id: host.id,
      key: 'queue.depth',
      value,
      collected_at: at(collected),
      received_at: at('2026-03-02T00:00:00Z'),
    });
    const upsert = (row: object) =>
      sql.insert(TelemetryLatestEntity, [row], {
        kind: 'newer',
        key: ['host_id', 'key'],
        update: ['value', 'collected_at', 'received_at'],
        newer: 'collected_at',
      });
    await upsert(latest({ n: 1 }, '2026-03-01T12:00:00Z'));
    await upsert(latest({ n: 0 }, '2026-03-01T11:00:00Z')); // late arrival of an older report
    await upsert(latest({ n: 2 }, '2026-03-01T13:00:00Z'));
    const rows = await dataSource
      .getRepository(TelemetryLatestEntity)
      .find({ where: { host_id: host.id } });
    expect(rows.map((r) => [r.value, r.collected_at.toISOString()])).toEqual([
      [{ n: 2 }, '2026-03-01T13:00:00.000Z'],
    ]);
  });
});
