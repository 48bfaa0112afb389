import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  IngestHandlerRegistry,
  type IngestBatchContext,
  type IngestEvent,
  type IngestHandler,
} from '../ingest';
import { LinkClickEntity } from '../storage/entities/link-click.entity';
import { TrackedLinkEntity } from '../storage/entities/tracked-link.entity';
import { SqlRunner } from '../storage/sql/sql-runner';
import { CommittedEventsBus } from '../events/committed-events.bus';
import { DimensionResolver } from '../tracking/ingest/dimension.resolver';
import { RollupMaintenance } from '../rollups/rollup-maintenance.service';
import { CLICK_JOB, type ClickJob } from './interfaces/click-job.interface';

/**
 * Writes link clicks in batches: device and location rows are resolved (shared with pageviews
 * and errors), then every click of the batch is inserted in one statement and added to the
 * analytics rollups in the same transaction. A click whose link was deleted since the redirect
 * (a queue's backlog, or a deletion at the same moment) is dropped: the deletion took the link's
 * clicks and rollups with it, and this one would be left behind with no link to show it.
 */
@Injectable()
export class ClickIngestHandler implements IngestHandler<ClickJob>, OnModuleInit {
  readonly kind = CLICK_JOB;
  readonly eventEntity = LinkClickEntity;

  constructor(
    private readonly registry: IngestHandlerRegistry,
    private readonly dimensions: DimensionResolver,
    private readonly events: CommittedEventsBus,
    private readonly rollups: RollupMaintenance,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async handle(batch: IngestEvent<ClickJob>[], context: IngestBatchContext): Promise<void> {
    const sql = new SqlRunner(context.manager);
    const jobs = await ofLiveLinks(sql, batch);
    if (jobs.length === 0) return;
    const { deviceIds, locationIds } = await this.dimensions.forEvents(jobs, context);
    const rows = jobs.map((job, i) => ({
      link_id: job.linkId,
      project_id: job.projectId,
      location_id: locationIds[i],
      device_id: deviceIds[i],
      referrer_url: job.referrerUrl,
      referrer_category: job.referrerCategory,
      ip_hash: job.ipHash,
      created_at: new Date(job.clickedAt),
      event_id: job.eventId,
    }));
    await sql.insertIgnore(LinkClickEntity, rows);
    // Redelivered events already stored were dropped before the batch: every row here is new.
    await this.rollups.recordClicks(rows, context);
    if (!this.events.active) return;
    context.afterCommit(() =>
      this.events.publish(
        jobs.map((job) => ({
          type: 'click',
          projectId: job.projectId,
          timestamp: Date.parse(job.clickedAt),
          eventId: job.eventId,
          linkId: job.linkId,
        })),
      ),
    );
  }
}

/**
 * The clicks whose link still exists. The links are read with a shared lock held to the commit,
 * before any other row of the batch's clicks: a deletion (LinksRepository.delete locks the link
 * row first) then either waits for this batch and removes its clicks too, or has committed and
 * the clicks are dropped here. Both take the link row before any rollup row, so they cannot
 * deadlock on each other.
 */
async function ofLiveLinks(
  sql: SqlRunner,
  jobs: IngestEvent<ClickJob>[],
): Promise<IngestEvent<ClickJob>[]> {
  const ids = [...new Set(jobs.map((job) => job.linkId))].sort((a, b) => a - b);
  const live = await sql.rows<{ id: number | string }>(
    (p) =>
      `SELECT id FROM ${sql.table(TrackedLinkEntity)} WHERE id IN (${p.list(ids)}) ` +
      `ORDER BY id${sql.dialect.shareRows}`,
  );
  const kept = new Set(live.map((row) => Number(row.id)));
  return kept.size === ids.length ? jobs : jobs.filter((job) => kept.has(job.linkId));
}
