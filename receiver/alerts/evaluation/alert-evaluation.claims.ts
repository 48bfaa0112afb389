import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AlertEvaluationEntity } from '../../storage/entities/alert-evaluation.entity';
import type { AlertRuleEntity } from '../../storage/entities/alert-rule.entity';
import { InjectReceiverDataSource } from '../../storage/inject-receiver-data-source.decorator';
import { SqlRunner } from '../../storage/sql/sql-runner';

/** Claims older than this many slots are deleted (they only matter while their slot is current). */
const KEEP_SLOTS = 10;

/**
 * Which process evaluates a time-based rule in a slot: each process inserts the claim row
 * `(rule_id, slot)` skipping a conflict, then reads who holds it. The primary key lets one
 * insert win on every engine, without Redis.
 */
@Injectable()
export class AlertEvaluationClaims {
  /** This process's id as a claim holder. */
  readonly holder = randomBytes(16).toString('hex');
  private readonly sql: SqlRunner;

  constructor(@InjectReceiverDataSource() private readonly dataSource: DataSource) {
    this.sql = new SqlRunner(dataSource);
  }

  /** `true` when this process won `rule`'s claim for `slot`. */
  async claim(rule: AlertRuleEntity, slot: number): Promise<boolean> {
    await this.sql.insertIgnore(AlertEvaluationEntity, [
      { rule_id: rule.id, slot: String(slot), project_id: rule.project_id, holder: this.holder },
    ]);
    const row = await this.dataSource
      .getRepository(AlertEvaluationEntity)
      .findOneBy({ rule_id: rule.id, slot: String(slot) });
    return row?.holder === this.holder;
  }

  /** Deletes the claims of slots long past. */
  async forgetBefore(slot: number): Promise<void> {
    const table = this.sql.table(AlertEvaluationEntity);
    await this.sql.run((p) => `DELETE FROM ${table} WHERE slot < ${p.add(slot - KEEP_SLOTS)}`);
  }
}
