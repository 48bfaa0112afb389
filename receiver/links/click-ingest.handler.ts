import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  IngestHandlerRegistry,
  type IngestBatchContext,
  type IngestEvent,
  type IngestHandler,
} from '../ingest';
import { LinkClickEntity } from '../storage/entities/link-click.entity';
import { SqlRunner } from '../storage/sql/sql-runner';
import { CommittedEventsBus } from '../events/committed-events.bus';
import { DimensionResolver } from '../tracking/ingest/dimension.resolver';
import { RollupMaintenance } from '../rollups/rollup-maintenance.service';
import { CLICK_JOB, type ClickJob } from './interfaces/click-job.interface';

/**
 * Writes link clicks in batches: device and location rows are resolved (shared with pageviews
 * and errors), then every click of the batch is inserted in one statement and added to the
 * analytics rollups in the same transaction.
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

  async handle(jobs: IngestEvent<ClickJob>[], context: IngestBatchContext): Promise<void> {
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
    await new SqlRunner(context.manager).insertIgnore(LinkClickEntity, rows);
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
