import { Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import type {
  ErasureContext,
  ExportedRows,
  PersonalDataOwner,
  PersonalDataSubject,
  RowCounts,
} from '../../privacy/interfaces/personal-data-owner.interface';
import { PersonalDataRegistry } from '../../privacy/personal-data.registry';
import { ErrorEventEntity, ErrorGroupEntity } from '../../storage/entities';
import { SqlRunner } from '../../storage/sql/sql-runner';
import { RollupMaintenance } from '../../rollups/rollup-maintenance.service';

/** Ids per `IN (…)` list: far below every engine's limit of bound values. */
const CHUNK = 500;

/** `value` as a `LIKE` pattern matching it anywhere, with `!` as the escape character. */
const containing = (value: string): string => `%${value.replace(/[!%_]/g, (c) => `!${c}`)}%`;

/**
 * Error events tied to a visitor. Events carry no visitor id; what ties one to a person is its
 * `context`, where the page or backend put the visitor id (`Micrologs.error(msg, {visitor_id})`):
 * an event matches when its context holds the id as a JSON string. Erasing events lowers their
 * groups' `occurrence_count` (the count the errors list shows) and deletes a group left with no
 * event, as the retention purge does; the analytics rollups lose the events' occurrences.
 */
@Injectable()
export class ErrorDataOwner implements PersonalDataOwner, OnModuleInit {
  constructor(
    private readonly registry: PersonalDataRegistry,
    @Optional() private readonly rollups?: RollupMaintenance,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async export(subject: PersonalDataSubject, manager: EntityManager): Promise<ExportedRows> {
    if (subject.type !== 'visitor') return {};
    const events = await this.events(subject.projectId, subject.visitorId, manager);
    const groupIds = [...new Set(events.map((event) => event.group_id))];
    const groups = groupIds.length
      ? await manager.find(ErrorGroupEntity, { where: { id: In(groupIds) }, order: { id: 'ASC' } })
      : [];
    return {
      error_events: events.map((row) => ({ ...row })),
      error_groups: groups.map((row) => ({ ...row })),
    };
  }

  async erase(subject: PersonalDataSubject, context: ErasureContext): Promise<RowCounts> {
    if (subject.type !== 'visitor') return {};
    const { manager } = context;
    const events = await this.events(subject.projectId, subject.visitorId, manager);
    if (events.length === 0) return { error_events: 0 };
    const perGroup = new Map<number, number>();
    for (const event of events) {
      // A coalesced event stands for `occurrences` of them: the group loses all of them.
      perGroup.set(event.group_id, (perGroup.get(event.group_id) ?? 0) + event.occurrences);
    }
    const ids = events.map((event) => event.id);
    // Their occurrences leave the analytics rollups (read while the events exist).
    await this.rollups?.forgetErrorEvents(manager, ids);
    for (let i = 0; i < ids.length; i += CHUNK) {
      await manager.delete(ErrorEventEntity, { id: In(ids.slice(i, i + CHUNK)) });
    }
    const sql = new SqlRunner(manager);
    const groups = sql.table(ErrorGroupEntity);
    for (const [group, erased] of perGroup) {
      await sql.run(
        (p) =>
          `UPDATE ${groups} SET occurrence_count = occurrence_count - ${p.add(erased)} ` +
          `WHERE id = ${p.add(group)}`,
      );
    }
    // A group whose every event was this person's would list an error nobody else had.
    const emptied = (
      await sql.rows<{ id: unknown }>(
        (p) =>
          `SELECT g.id FROM ${groups} g WHERE g.id IN (${p.list([...perGroup.keys()])}) ` +
          `AND NOT EXISTS (SELECT 1 FROM ${sql.table(ErrorEventEntity)} e WHERE e.group_id = g.id)`,
      )
    ).map((row) => Number(row.id));
    if (emptied.length > 0) await manager.delete(ErrorGroupEntity, { id: In(emptied) });
    return {
      error_events: events.length,
      'error_groups.occurrence_count': perGroup.size - emptied.length,
      error_groups: emptied.length,
    };
  }

  /** The project's events whose context holds `visitorId` as a JSON string, oldest first. */
  private async events(
    projectId: number,
    visitorId: string,
    manager: EntityManager,
  ): Promise<ErrorEventEntity[]> {
    const sql = new SqlRunner(manager);
    const rows = await sql.rows<{ id: unknown }>(
      (p) =>
        `SELECT e.id FROM ${sql.table(ErrorEventEntity)} e WHERE e.project_id = ${p.add(projectId)} ` +
        `AND e.context LIKE ${p.add(containing(JSON.stringify(visitorId)))} ESCAPE '!' ORDER BY e.id`,
    );
    const ids = rows.map((row) => Number(row.id));
    const events: ErrorEventEntity[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      events.push(
        ...(await manager.find(ErrorEventEntity, {
          where: { id: In(ids.slice(i, i + CHUNK)) },
          order: { id: 'ASC' },
        })),
      );
    }
    return events;
  }
}
