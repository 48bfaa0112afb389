import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { In } from 'typeorm';
import {
  IngestBatchContext,
  IngestEvent,
  IngestHandler,
  IngestHandlerRegistry,
} from '../../ingest';
import { ErrorEventEntity, ErrorGroupEntity } from '../../storage/entities';
import {
  ERROR_CACHE_INVALIDATOR,
  ErrorCacheInvalidator,
} from '../../cache/interfaces/error-cache-invalidator.interface';
import type { ErrorJob } from '../interfaces/tracking-jobs.interface';
import { ERROR_JOB } from '../tracking.constants';
import { SqlRunner } from '../../storage/sql/sql-runner';
import { DimensionResolver, unique } from './dimension.resolver';

const groupKey = (job: ErrorJob): string => `${job.projectId}|${job.fingerprint}`;

const occurrencesOf = (job: ErrorJob): number => job.occurrences ?? 1;

/**
 * Writes a batch of error events (contract 3.10): each group is created if new, then counted
 * (by each event's `occurrences`: a coalesced burst counts what happened, not one request),
 * its `last_seen` and severity set from the latest event, and reopened if it was resolved
 * (its environment stays the first one's); events are inserted in one statement. After commit the
 * projects' errors / errors-trend analytics caches are invalidated.
 */
@Injectable()
export class ErrorIngestHandler implements IngestHandler<ErrorJob>, OnModuleInit {
  readonly kind = ERROR_JOB;
  readonly eventEntity = ErrorEventEntity;

  constructor(
    private readonly registry: IngestHandlerRegistry,
    private readonly dimensions: DimensionResolver,
    @Optional()
    @Inject(ERROR_CACHE_INVALIDATOR)
    private readonly invalidator?: ErrorCacheInvalidator,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async handle(jobs: IngestEvent<ErrorJob>[], context: IngestBatchContext): Promise<void> {
    const groups = await this.upsertGroups(jobs, context);
    const { deviceIds, locationIds } = await this.dimensions.forEvents(jobs, context);
    await new SqlRunner(context.manager).insertIgnore(
      ErrorEventEntity,
      jobs.map((job, i) => ({
        group_id: groups.get(groupKey(job)) as number,
        project_id: job.projectId,
        location_id: locationIds[i],
        device_id: deviceIds[i],
        stack_trace: job.stack,
        url: job.url,
        environment: job.environment,
        severity: job.severity,
        context: job.context,
        occurrences: occurrencesOf(job),
        created_at: new Date(job.receivedAt),
        event_id: job.eventId,
      })),
    );
    const invalidator = this.invalidator;
    if (invalidator) {
      for (const projectId of unique(jobs.map((j) => j.projectId))) {
        context.afterCommit(() => invalidator.invalidateErrors(projectId));
      }
    }
  }

  private async upsertGroups(
    jobs: ErrorJob[],
    context: IngestBatchContext,
  ): Promise<Map<string, number>> {
    const { manager } = context;
    const byGroup = new Map<string, ErrorJob[]>();
    for (const job of jobs) {
      const list = byGroup.get(groupKey(job));
      if (list) list.push(job);
      else byGroup.set(groupKey(job), [job]);
    }
    // New groups start at count 0 so that one UPDATE below counts every event, new group or not.
    await new SqlRunner(manager).insertIgnore(
      ErrorGroupEntity,
      [...byGroup.values()].map(([first]) => ({
        project_id: first.projectId,
        fingerprint: first.fingerprint,
        error_type: first.errorType,
        message: first.message,
        file: first.file,
        line: first.line,
        severity: first.severity,
        environment: first.environment,
        status: 'open',
        occurrence_count: 0,
        first_seen: new Date(first.receivedAt),
        last_seen: new Date(first.receivedAt),
      })),
    );
    const rows = await manager.find(ErrorGroupEntity, {
      select: { id: true, project_id: true, fingerprint: true },
      where: {
        project_id: In(unique(jobs.map((j) => j.projectId))),
        fingerprint: In(unique(jobs.map((j) => j.fingerprint))),
      },
    });
    const ids = new Map<string, number>();
    for (const row of rows) ids.set(`${row.project_id}|${row.fingerprint}`, row.id);
    for (const [key, events] of byGroup) {
      const latest = events[events.length - 1];
      const count = events.reduce((sum, job) => sum + occurrencesOf(job), 0);
      await manager
        .createQueryBuilder()
        .update(ErrorGroupEntity)
        .set({
          occurrence_count: () => `occurrence_count + ${count}`,
          last_seen: new Date(latest.receivedAt),
          severity: latest.severity,
          status: () => `CASE WHEN status = 'resolved' THEN 'open' ELSE status END`,
        })
        .where('id = :id', { id: ids.get(key) })
        .execute();
    }
    return ids;
  }
}
