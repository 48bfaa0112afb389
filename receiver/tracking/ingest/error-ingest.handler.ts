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
import { CommittedEventsBus } from '../../events/committed-events.bus';
import type { CommittedError } from '../../events/committed-event.interface';
import { DimensionResolver, unique } from './dimension.resolver';
import { RollupMaintenance } from '../../rollups/rollup-maintenance.service';

const groupKey = (job: ErrorJob): string => `${job.projectId}|${job.fingerprint}`;

const occurrencesOf = (job: ErrorJob): number => job.occurrences ?? 1;

/** A group as the batch found it, before counting the batch's events. */
interface GroupBefore {
  id: number;
  /** Occurrences before this batch: 0 for a group this batch created. */
  count: number;
  resolved: boolean;
}

/**
 * Writes a batch of error events (contract 3.10): each group is created if new, then counted
 * (by each event's `occurrences`: a coalesced burst counts what happened, not one request),
 * its `last_seen` and severity set from the latest event, and reopened if it was resolved
 * (its environment stays the first one's); events are inserted in one statement and added to the
 * analytics rollups in the same transaction. After commit the projects' errors / errors-trend
 * analytics caches are invalidated.
 */
@Injectable()
export class ErrorIngestHandler implements IngestHandler<ErrorJob>, OnModuleInit {
  readonly kind = ERROR_JOB;
  readonly eventEntity = ErrorEventEntity;

  constructor(
    private readonly registry: IngestHandlerRegistry,
    private readonly dimensions: DimensionResolver,
    private readonly events: CommittedEventsBus,
    private readonly rollups: RollupMaintenance,
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
    const rows = jobs.map((job, i) => ({
      group_id: groups.get(groupKey(job))?.id as number,
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
    }));
    await new SqlRunner(context.manager).insertIgnore(ErrorEventEntity, rows);
    // Redelivered events already stored were dropped before the batch: every row here is new.
    await this.rollups.recordErrors(rows, context);
    if (this.events.active) {
      context.afterCommit(() => this.events.publish(committedErrors(jobs, groups)));
    }
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
  ): Promise<Map<string, GroupBefore>> {
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
    // Read inside the transaction before counting: a count of 0 is a group this batch created (a
    // concurrent writer's insert makes ours wait and then counts its own events before commit).
    const rows = await manager.find(ErrorGroupEntity, {
      select: {
        id: true,
        project_id: true,
        fingerprint: true,
        occurrence_count: true,
        status: true,
      },
      where: {
        project_id: In(unique(jobs.map((j) => j.projectId))),
        fingerprint: In(unique(jobs.map((j) => j.fingerprint))),
      },
    });
    const groups = new Map<string, GroupBefore>();
    for (const row of rows) {
      groups.set(`${row.project_id}|${row.fingerprint}`, {
        id: row.id,
        count: Number(row.occurrence_count),
        resolved: row.status === 'resolved',
      });
    }
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
        .where('id = :id', { id: groups.get(key)?.id })
        .execute();
    }
    return groups;
  }
}

/**
 * The stored errors as committed events. Only a group's first event in the batch is its `newGroup`
 * or `regression`, so a rule on either fires once per group, not once per event.
 */
function committedErrors(
  jobs: IngestEvent<ErrorJob>[],
  groups: Map<string, GroupBefore>,
): CommittedError[] {
  const counted = new Map<string, number>();
  return jobs.map((job) => {
    const key = groupKey(job);
    const group = groups.get(key) as GroupBefore;
    const before = counted.get(key) ?? 0;
    counted.set(key, before + occurrencesOf(job));
    return {
      type: 'error',
      projectId: job.projectId,
      timestamp: job.receivedAt,
      groupId: group.id,
      eventId: job.eventId,
      message: job.message,
      errorType: job.errorType,
      severity: job.severity,
      environment: job.environment,
      newGroup: group.count === 0 && before === 0,
      regression: group.resolved && before === 0,
      occurrences: group.count + before + occurrencesOf(job),
    };
  });
}
