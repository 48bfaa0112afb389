import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { int } from '../storage/sql/sql-values';
import { SqlRunner } from '../storage/sql/sql-runner';
import { InjectReceiverDataSource } from '../storage/inject-receiver-data-source.decorator';
import type { PurgeStep } from './purge.steps';

/**
 * The purge's statements. Every delete is bounded: ids are read `LIMIT n` first and deleted by
 * id (MySQL/MariaDB refuse `LIMIT` in a subquery on the table they delete from), so no
 * statement holds locks for long on any engine.
 */
@Injectable()
export class PurgeRepository {
  private readonly sql: SqlRunner;

  constructor(@InjectReceiverDataSource() private readonly dataSource: DataSource) {
    this.sql = new SqlRunner(dataSource);
  }

  /** Rows a real run would delete (dry run). */
  async count(step: PurgeStep, projectId: number, cutoff: number): Promise<number> {
    const row = await this.sql.row<{ total: unknown }>(
      (p) =>
        `SELECT COUNT(*) AS total FROM ${this.sql.escape(step.table)} t ` +
        `WHERE ${step.where(p, projectId, cutoff, true)}`,
    );
    return int(row.total);
  }

  /**
   * Deletes at most `limit` rows of one step; returns how many. Error events lower their
   * group's `occurrence_count` by their `occurrences` in the same transaction, so the count a
   * group shows always equals the occurrences of its stored events.
   */
  async deleteBatch(
    step: PurgeStep,
    projectId: number,
    cutoff: number,
    limit: number,
  ): Promise<number> {
    const table = this.sql.escape(step.table);
    const isEvents = step.table === 'error_events';
    const rows = await this.sql.rows<{ id: unknown; group_id?: unknown; occurrences?: unknown }>(
      (p) =>
        `SELECT t.id${isEvents ? ', t.group_id, t.occurrences' : ''} FROM ${table} t ` +
        `WHERE ${step.where(p, projectId, cutoff, false)} ORDER BY t.id LIMIT ${limit}`,
    );
    if (rows.length === 0) return 0;
    const ids = rows.map((row) => Number(row.id));
    if (!isEvents) {
      await this.sql.run((p) => `DELETE FROM ${table} WHERE id IN (${p.list(ids)})`);
      return ids.length;
    }
    const perGroup = new Map<number, number>();
    for (const row of rows) {
      const group = Number(row.group_id);
      // A coalesced event stands for `occurrences` of them: the group loses all of them.
      perGroup.set(group, (perGroup.get(group) ?? 0) + int(row.occurrences));
    }
    await this.dataSource.transaction(async (manager) => {
      const tx = new SqlRunner(manager);
      await tx.run((p) => `DELETE FROM ${table} WHERE id IN (${p.list(ids)})`);
      for (const [group, purged] of perGroup) {
        await tx.run(
          (p) =>
            `UPDATE error_groups SET occurrence_count = occurrence_count - ${p.add(purged)} ` +
            `WHERE id = ${p.add(group)}`,
        );
      }
    });
    return ids.length;
  }
}
