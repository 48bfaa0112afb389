import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { RECEIVER_OPTIONS } from '../../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../../config/receiver-options.interface';
import { AlertDeliveriesRepository, type NewFiring } from '../delivery/alert-deliveries.repository';
import { AlertDeliverySender } from '../delivery/alert-delivery.sender';
import { AlertRealtimePublisher } from '../delivery/alert-realtime.publisher';
import { AlertRulesRepository } from '../rules/alert-rules.repository';
import { InjectReceiverDataSource } from '../../storage/inject-receiver-data-source.decorator';
import { storageOutageOf } from '../../storage/storage-outage.monitor';
import { AlertsMessages } from '../alerts.messages';
import { AlertEvaluationClaims } from './alert-evaluation.claims';
import { AlertRetries } from './alert-retries';
import { TIME_RULE_KINDS, TimeRulesEvaluator } from './time-rules.evaluator';

/**
 * One alerts tick, as every process runs it: retry the evaluations whose writes failed, evaluate
 * the time-based rules this process claims for the current slot, gather waiting firings into deliveries (each rule's cooldown permitting),
 * send the deliveries that are due. Every step is safe to run in several processes at once.
 */
@Injectable()
export class AlertsEngine {
  private readonly logger = new Logger('ReceiverAlerts');

  constructor(
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    private readonly rules: AlertRulesRepository,
    private readonly claims: AlertEvaluationClaims,
    private readonly evaluator: TimeRulesEvaluator,
    private readonly deliveries: AlertDeliveriesRepository,
    private readonly sender: AlertDeliverySender,
    private readonly realtime: AlertRealtimePublisher,
    private readonly retries: AlertRetries,
    @InjectReceiverDataSource() private readonly dataSource: DataSource,
  ) {}

  async tick(now = Date.now()): Promise<void> {
    await this.retries.runHeld();
    await this.evaluate(now);
    await this.gather(new Date(now));
    await this.sender.sendDue(Date.now());
  }

  /** Time-based rules, each claimed for the slot first (one process evaluates it). */
  async evaluate(now: number): Promise<void> {
    const slot = Math.floor(now / (Math.max(1, this.options.alerts.intervalSeconds) * 1000));
    for (const rule of await this.rules.active(TIME_RULE_KINDS)) {
      let firings: NewFiring[] = [];
      try {
        if (!(await this.claims.claim(rule, slot))) continue;
        firings = await this.evaluator.evaluate(rule, now);
        if (firings.length > 0) await this.deliveries.recordFirings(rule, firings);
      } catch (error) {
        // One rule's failure (a storage fault, a bad row) must not stop the others. What it
        // decided is kept: the slot is claimed, and the occurrence may be over by the next one.
        if (firings.length === 0) {
          // A database outage is logged once by the storage monitor, not once per rule and tick.
          if (storageOutageOf(this.dataSource).failed(error)) continue;
          this.logger.warn(AlertsMessages.evaluationFailed(`rule ${rule.id}: ${String(error)}`));
        } else {
          this.logger.warn(AlertsMessages.firingsHeld(rule.id, String(error)));
          const decided = firings;
          this.retries.hold(`rule ${rule.id}`, () => this.recordLater(rule.id, decided));
        }
      }
    }
    await this.claims.forgetBefore(slot);
  }

  /** Records held firings, unless their rule was deleted or switched off meanwhile. */
  private async recordLater(ruleId: number, firings: readonly NewFiring[]): Promise<void> {
    const rule = await this.deliveries.rule(ruleId);
    if (rule?.is_active) await this.deliveries.recordFirings(rule, firings);
  }

  /**
   * Waiting firings into deliveries, one per rule that is not cooling down; each new message also
   * goes to the realtime `alerts` channel, from the one process whose gathering won.
   */
  async gather(now: Date): Promise<void> {
    for (const ruleId of await this.deliveries.rulesWithWaitingFirings()) {
      const rule = await this.deliveries.rule(ruleId);
      const message = rule ? await this.deliveries.gather(rule, now) : undefined;
      if (message) this.realtime.publish(message, now);
    }
  }
}
