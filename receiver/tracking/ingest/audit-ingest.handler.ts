import { Injectable, OnModuleInit } from '@nestjs/common';
import {
  IngestBatchContext,
  IngestEvent,
  IngestHandler,
  IngestHandlerRegistry,
} from '../../ingest';
import { AuditLogEntity } from '../../storage/entities';
import type { AuditJob } from '../interfaces/tracking-jobs.interface';
import { AUDIT_JOB } from '../tracking.constants';
import { SqlRunner } from '../../storage/sql/sql-runner';
import { CommittedEventsBus } from '../../events/committed-events.bus';
import { RollupMaintenance } from '../../rollups/rollup-maintenance.service';

/**
 * Writes a batch of audit events in one multi-row insert (contract 3.11) and adds them to the
 * per-day action counts of the analytics rollups in the same transaction.
 */
@Injectable()
export class AuditIngestHandler implements IngestHandler<AuditJob>, OnModuleInit {
  readonly kind = AUDIT_JOB;
  readonly eventEntity = AuditLogEntity;

  constructor(
    private readonly registry: IngestHandlerRegistry,
    private readonly events: CommittedEventsBus,
    private readonly rollups: RollupMaintenance,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async handle(jobs: IngestEvent<AuditJob>[], context: IngestBatchContext): Promise<void> {
    const rows = jobs.map((job) => ({
      project_id: job.projectId,
      action: job.action,
      actor: job.actor,
      ip_hash: job.ipHash,
      context: job.context,
      created_at: new Date(job.receivedAt),
      event_id: job.eventId,
    }));
    await new SqlRunner(context.manager).insertIgnore(AuditLogEntity, rows);
    // Redelivered events already stored were dropped before the batch: every row here is new.
    await this.rollups.recordAudits(rows, context);
    if (!this.events.active) return;
    context.afterCommit(() =>
      this.events.publish(
        jobs.map((job) => ({
          type: 'audit',
          projectId: job.projectId,
          timestamp: job.receivedAt,
          eventId: job.eventId,
          action: job.action,
          actor: job.actor,
        })),
      ),
    );
  }
}
