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

/** Writes a batch of audit events in one multi-row insert (contract 3.11). */
@Injectable()
export class AuditIngestHandler implements IngestHandler<AuditJob>, OnModuleInit {
  readonly kind = AUDIT_JOB;
  readonly eventEntity = AuditLogEntity;

  constructor(
    private readonly registry: IngestHandlerRegistry,
    private readonly events: CommittedEventsBus,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async handle(jobs: IngestEvent<AuditJob>[], context: IngestBatchContext): Promise<void> {
    await new SqlRunner(context.manager).insertIgnore(
      AuditLogEntity,
      jobs.map((job) => ({
        project_id: job.projectId,
        action: job.action,
        actor: job.actor,
        ip_hash: job.ipHash,
        context: job.context,
        created_at: new Date(job.receivedAt),
        event_id: job.eventId,
      })),
    );
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
