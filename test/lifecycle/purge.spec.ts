import type { DataSource } from 'typeorm';
import { PurgeLease } from '../../receiver/lifecycle/purge.lease';
import { PurgeRepository } from '../../receiver/lifecycle/purge.repository';
import { PurgeService } from '../../receiver/lifecycle/purge.service';
import { ErrorGroupEntity, PageviewEntity } from '../../receiver/storage/entities';
import { adminHeaders, useReceiverApp } from '../support/receiver-app';
import { availableEngines } from '../support/services';
import {
  createProject,
  dataSourceOf,
  pageviewBody,
  testHeaders,
  type TestProject,
} from '../tracking/tracking-fixtures';
import {
  countRows,
  seedAudit,
  seedClicks,
  seedErrorGroup,
  seedSamples,
  seedVisit,
} from './lifecycle-fixtures';

const DAY = 86_400_000;
const NOW = Math.floor(Date.now() / 1000) * 1000;
const CUTOFF = NOW - 30 * DAY;
const at = (ms: number) => new Date(ms);
const OLDER = at(CUTOFF - 5 * DAY);
const OLD = at(CUTOFF - 1000);
const BOUNDARY = at(CUTOFF);
const RECENT = at(NOW - DAY);
const BULK = 120;

/** Rows the purge must delete from the 30-day project (see the seeds below). */
const EXPECTED = {
  pageviews: BULK + 3,
  sessions: 2,
  visitors: 2,
  error_events: 3,
  error_groups: 1,
  audit_logs: 1,
  link_clicks: 1,
  telemetry_samples: 1,
};

describe.each(availableEngines())('retention purge [%s]', (engine) => {
  const receiver = useReceiverApp({
    adapter: 'fastify',
    engine,
    options: { purgeIntervalMinutes: 0 },
  });
  const db = (): DataSource => dataSourceOf(receiver.app);
  let purged: TestProject;
  let kept: TestProject;
  let before: Record<string, number>;
  let keptBefore: Record<string, number>;
  let keptGroup: number;
  let purgedGroup: number;

  beforeAll(async () => {
    purged = await createProject(receiver.app);
    kept = await createProject(receiver.app);
    const edit = await receiver.http.post(
      '/api/projects/edit',
      {
        id: purged.id,
        retention: { pageviews: 30, errors: 30, audit: 30, clicks: 30, telemetry: 30 },
      },
      adminHeaders(),
    );
    expect(edit.status).toBe(200);
    expect(edit.body.data.retention).toEqual({
      pageviews: 30,
      errors: 30,
      audit: 30,
      clicks: 30,
      telemetry: 30,
    });
    for (const project of [purged, kept]) {
      await seedVisit(db(), project.id, [OLDER, OLD]);
      await seedAudit(db(), project.id, [OLD, BOUNDARY]);
    }
    await seedVisit(db(), purged.id, [OLD, BOUNDARY]);
    await seedVisit(
      db(),
      purged.id,
      Array.from({ length: BULK }, (_, i) => at(OLDER.getTime() + i * 1000)),
    );
    purgedGroup = await seedErrorGroup(db(), purged.id, [OLDER, OLD]);
    // The purged event is a coalesced report of 5: the group must lose all 5.
    keptGroup = await seedErrorGroup(db(), purged.id, [OLD, RECENT], null, [5, 1]);
    await seedClicks(db(), purged.id, [OLD, BOUNDARY]);
    await seedSamples(db(), purged.id, [OLD, BOUNDARY]);
    before = await countRows(db(), purged.id);
    keptBefore = await countRows(db(), kept.id);
  });

  it('a dry run reports per table what the purge would delete and deletes nothing', async () => {
    const report = await receiver.app.get(PurgeService).run({ dryRun: true, now: NOW });
    expect(report).toMatchObject({ dryRun: true, ran: true, rows: EXPECTED });
    expect(await countRows(db(), purged.id)).toEqual(before);
    expect(await countRows(db(), kept.id)).toEqual(keptBefore);
  });

  it('deletes exactly the rows older than the retention period while ingest keeps storing every accepted pageview', async () => {
    const detail = () =>
      receiver.http.get(`/api/analytics/error-detail.php?range=90d&id=${purgedGroup}`, {
        'X-API-Key': purged.secretKey,
        'X-Test-Mode': 'phpunit',
      });
    expect((await detail()).status).toBe(200); // and now cached
    // Ingest writes the same tables: a batch may lose a deadlock to it (MariaDB did, under load).
    // The engine rolled that batch back; the purge runs it again and misses nothing.
    const deadlock = Object.assign(new Error('Deadlock found when trying to get lock'), {
      code: 'ER_LOCK_DEADLOCK',
      errno: 1213,
    });
    const lost = jest
      .spyOn(receiver.app.get(PurgeRepository), 'deleteBatch')
      .mockRejectedValueOnce(deadlock);
    const purge = receiver.app.get(PurgeService).run({ now: NOW, batchSize: 5 });
    const visitors = Array.from({ length: 40 }, (_, i) => `live-${i}`);
    const responses = await Promise.all(
      visitors.map((visitor_id) =>
        receiver.http.post(
          '/api/track/pageview.php',
          pageviewBody({ visitor_id }),
          testHeaders(purged.publicKey),
        ),
      ),
    );
    const report = await purge;
    lost.mockRestore();
    expect(responses.map((r) => r.status)).toEqual(visitors.map(() => 202));
    expect(report.rows).toEqual(EXPECTED);

    const after = await countRows(db(), purged.id);
    for (const [table, count] of Object.entries(EXPECTED)) {
      const ingested =
        table === 'pageviews' || table === 'sessions' || table === 'visitors' ? 40 : 0;
      expect({ table, rows: after[table] }).toEqual({
        table,
        rows: before[table] - count + ingested,
      });
    }
    // Rows stamped exactly at the cutoff stay, older ones go.
    const oldest = await db()
      .getRepository(PageviewEntity)
      .find({ where: { project_id: purged.id }, order: { created_at: 'ASC' }, take: 1 });
    expect(oldest[0].created_at.getTime()).toBe(BOUNDARY.getTime());
    // The surviving group's count equals its stored events.
    const group = await db().getRepository(ErrorGroupEntity).findOneByOrFail({ id: keptGroup });
    expect(group.occurrence_count).toBe(1);
    // A purged group's cached detail is gone with it.
    expect((await detail()).body).toEqual({ success: false, message: 'Error group not found' });
    // A project without a retention period keeps everything.
    expect(await countRows(db(), kept.id)).toEqual(keptBefore);
  });

  it('a second run finds nothing left to delete', async () => {
    const report = await receiver.app.get(PurgeService).run({ now: NOW });
    expect(report.rows).toEqual({});
  });

  it('lets one process at a time hold the purge lease', async () => {
    const first = new PurgeLease(db());
    const second = new PurgeLease(db());
    expect(await first.acquire()).toBe(true);
    expect(await second.acquire()).toBe(false);
    expect(await first.acquire()).toBe(true);
    await first.release();
    expect(await second.acquire()).toBe(true);
    await second.release();
  });

  it('shows the purge timer in the health document', async () => {
    const health = await receiver.http.get('/api/health.php');
    expect(health.body.checks.purge).toMatchObject({
      status: 'ok',
      interval_minutes: 0,
      next_run_at: null,
    });
  });

  it('refuses a retention period that is not a whole number of days', async () => {
    const res = await receiver.http.post(
      '/api/projects/edit',
      { id: purged.id, retention: { pageviews: -1 } },
      adminHeaders(),
    );
    expect(res.status).toBe(400);
    const unknown = await receiver.http.post(
      '/api/projects/edit',
      { id: purged.id, retention: { sessions: 5 } },
      adminHeaders(),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain("'sessions'");
  });
});
