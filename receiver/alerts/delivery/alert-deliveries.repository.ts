import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import {
  AlertDeliveryEntity,
  type AlertDeliveryStatus,
} from '../../storage/entities/alert-delivery.entity';
import {
  AlertFiringEntity,
  type AlertFiringSummary,
} from '../../storage/entities/alert-firing.entity';
import { AlertRuleEntity } from '../../storage/entities/alert-rule.entity';
import { InjectReceiverDataSource } from '../../storage/inject-receiver-data-source.decorator';
import { SqlRunner } from '../../storage/sql/sql-runner';
import { FIRINGS_PER_MESSAGE } from '../alerts.constants';
import { formatAlertMessage, type AlertMessage } from './alert-message.formats';

/** One occurrence of a rule's condition, to record. */
export interface NewFiring {
  /** Unique per rule and occurrence: the same occurrence recorded twice fires once. */
  dedupKey: string;
  summary: AlertFiringSummary;
  firedAt: Date;
}

/** What the delivery log lists. */
export interface DeliveryFilter {
  projectId: number;
  ruleId?: number;
  status?: AlertDeliveryStatus;
  limit: number;
}

/** Thrown inside a transaction to roll it back when another process took the firings first. */
class TakenElsewhere extends Error {}

/**
 * The alert outbox: firings (the exactly-once record of each occurrence) and the deliveries that
 * carry them. Every step that several processes may attempt at once is one conditional
 * statement whose affected-row count says who won, so it is safe on the three engines.
 */
@Injectable()
export class AlertDeliveriesRepository {
  private readonly sql: SqlRunner;

  constructor(@InjectReceiverDataSource() private readonly dataSource: DataSource) {
    this.sql = new SqlRunner(dataSource);
  }

  /** Records firings of `rule`; an occurrence already recorded (by any process) is skipped. */
  async recordFirings(rule: AlertRuleEntity, firings: readonly NewFiring[]): Promise<void> {
    await this.sql.insertIgnore(
      AlertFiringEntity,
      firings.map((firing) => ({
        project_id: rule.project_id,
        rule_id: rule.id,
        dedup_key: firing.dedupKey.slice(0, 191),
        summary: firing.summary,
        fired_at: firing.firedAt,
        delivery_id: null,
      })),
    );
  }

  /** Ids of rules with firings no delivery carries yet. */
  async rulesWithWaitingFirings(): Promise<number[]> {
    const rows = await this.sql.rows<{ rule_id: number | string }>(
      () =>
        `SELECT DISTINCT rule_id FROM ${this.sql.table(AlertFiringEntity)} WHERE delivery_id IS NULL`,
    );
    return rows.map((row) => Number(row.rule_id));
  }

  /**
   * Gathers every waiting firing of `rule` into one new delivery, unless the rule is cooling
   * down (a message of it less than `cooldown_seconds` ago). Returns the message the delivery
   * carries, or `undefined` when there was nothing to take (another process took it) or it must
   * wait: so exactly one process gets each message back.
   */
  async gather(rule: AlertRuleEntity, now: Date): Promise<AlertMessage | undefined> {
    if (await this.coolingDown(this.dataSource.manager, rule, now, 0)) return undefined;
    try {
      return await this.dataSource.transaction(async (manager) => {
        const delivery = await manager.save(
          manager.create(AlertDeliveryEntity, this.newDelivery(rule, 'alert', now, 0)),
        );
        // Concurrent gatherers: the second one's UPDATE waits for the first to commit, then finds
        // no waiting firing (or only newer ones, and then the cooldown check below sees the
        // first one's delivery).
        const taken = await manager
          .createQueryBuilder()
          .update(AlertFiringEntity)
          .set({ delivery_id: delivery.id })
          .where('rule_id = :rule AND delivery_id IS NULL', { rule: rule.id })
          .execute();
        if (!taken.affected) throw new TakenElsewhere();
        if (await this.coolingDown(manager, rule, now, delivery.id)) throw new TakenElsewhere();
        const firings = await manager.find(AlertFiringEntity, {
          where: { delivery_id: delivery.id },
          order: { id: 'ASC' },
          take: FIRINGS_PER_MESSAGE,
        });
        const count = await manager.count(AlertFiringEntity, {
          where: { delivery_id: delivery.id },
        });
        const message: AlertMessage = {
          type: 'alert.fired',
          deliveryId: delivery.id,
          rule,
          count,
          firings: firings.map((f) => ({ ...f.summary, fired_at: f.fired_at.toISOString() })),
        };
        await manager.update(
          AlertDeliveryEntity,
          { id: delivery.id },
          { payload: formatAlertMessage(rule.channel, message), firing_count: count },
        );
        return message;
      });
    } catch (error) {
      if (error instanceof TakenElsewhere) return undefined;
      throw error;
    }
  }

  /** Queues a test message to `rule`'s endpoint (no firing, no cooldown). */
  async queueTest(rule: AlertRuleEntity, now: Date): Promise<number> {
    const repository = this.dataSource.getRepository(AlertDeliveryEntity);
    const delivery = await repository.save(
      repository.create(this.newDelivery(rule, 'test', now, 0)),
    );
    const message: AlertMessage = {
      type: 'alert.test',
      deliveryId: delivery.id,
      rule,
      count: 1,
      firings: [
        {
          title: `Test message of alert rule "${rule.name}"`,
          details: { kind: rule.kind, conditions: rule.conditions },
          fired_at: now.toISOString(),
        },
      ],
    };
    await repository.update(
      { id: delivery.id },
      { payload: formatAlertMessage(rule.channel, message) },
    );
    return delivery.id;
  }

  /** Ids of pending deliveries due at `now` that no sender holds, oldest first. */
  async due(now: number, limit: number): Promise<number[]> {
    const table = this.sql.table(AlertDeliveryEntity);
    const rows = await this.sql.rows<{ id: number | string }>(
      (p) =>
        `SELECT id FROM ${table} WHERE status = 'pending' AND next_attempt_at <= ${p.instant(now)} ` +
        `AND (lease_until IS NULL OR lease_until < ${p.instant(now)}) ORDER BY next_attempt_at, id ` +
        `LIMIT ${Math.floor(limit)}`,
    );
    return rows.map((row) => Number(row.id));
  }

  /**
   * Takes `id` for `leaseMs` when it is still pending and free: `true` for the one process
   * whose UPDATE matched, which then sends it.
   */
  async lease(id: number, now: number, leaseMs: number): Promise<AlertDeliveryEntity | undefined> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(AlertDeliveryEntity)
      .set({ lease_until: new Date(now + leaseMs) })
      .where("id = :id AND status = 'pending' AND (lease_until IS NULL OR lease_until < :now)", {
        id,
        now: this.sql.dialect.instantParam(now),
      })
      .execute();
    if (!result.affected) return undefined;
    return (
      (await this.dataSource.getRepository(AlertDeliveryEntity).findOneBy({ id })) ?? undefined
    );
  }

  /** The rule a delivery goes to (its URL, channel and secret as they are now). */
  rule(id: number): Promise<AlertRuleEntity | null> {
    return this.dataSource.getRepository(AlertRuleEntity).findOneBy({ id });
  }

  /** Saves the outcome of an attempt and releases the lease. */
  async settle(
    id: number,
    outcome: Pick<AlertDeliveryEntity, 'status' | 'attempts' | 'response_status' | 'last_error'> &
      Partial<Pick<AlertDeliveryEntity, 'next_attempt_at' | 'delivered_at'>>,
  ): Promise<void> {
    await this.dataSource
      .getRepository(AlertDeliveryEntity)
      .update(
        { id },
        { ...outcome, last_error: outcome.last_error.slice(0, 512), lease_until: null },
      );
  }

  /** The delivery log, newest first. */
  list(filter: DeliveryFilter): Promise<AlertDeliveryEntity[]> {
    return this.dataSource.getRepository(AlertDeliveryEntity).find({
      where: {
        project_id: filter.projectId,
        ...(filter.ruleId !== undefined ? { rule_id: filter.ruleId } : {}),
        ...(filter.status !== undefined ? { status: filter.status } : {}),
      },
      order: { id: 'DESC' },
      take: filter.limit,
    });
  }

  private newDelivery(
    rule: AlertRuleEntity,
    kind: 'alert' | 'test',
    now: Date,
    firings: number,
  ): Partial<AlertDeliveryEntity> {
    return {
      project_id: rule.project_id,
      rule_id: rule.id,
      kind,
      status: 'pending',
      payload: '',
      firing_count: firings,
      attempts: 0,
      next_attempt_at: now,
      lease_until: null,
      response_status: null,
      last_error: '',
      created_at: now,
      delivered_at: null,
    };
  }

  /** A message of `rule` (other than `exceptId`) was created within its cooldown before `now`. */
  private async coolingDown(
    manager: EntityManager,
    rule: AlertRuleEntity,
    now: Date,
    exceptId: number,
  ): Promise<boolean> {
    if (rule.cooldown_seconds <= 0) return false;
    const sql = new SqlRunner(manager);
    // From the whole second: MariaDB stores `created_at` without its fraction (truncated), and a
    // cooldown may end a fraction of a second late, never early.
    const since = Math.floor((now.getTime() - rule.cooldown_seconds * 1000) / 1000) * 1000;
    const row = await sql.row<{ n: number | string }>(
      (p) =>
        `SELECT COUNT(*) AS n FROM ${sql.table(AlertDeliveryEntity)} WHERE rule_id = ${p.add(rule.id)} ` +
        `AND kind = 'alert' AND id <> ${p.add(exceptId)} AND created_at >= ${p.instant(since)}`,
    );
    return Number(row.n) > 0;
  }
}
