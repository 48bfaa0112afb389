import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { CommittedError, CommittedEvent } from '../../events/committed-event.interface';
import { CommittedEventsBus } from '../../events/committed-events.bus';
import type { AlertRuleEntity } from '../../storage/entities/alert-rule.entity';
import { EVENT_RULE_KINDS } from '../alerts.constants';
import { AlertsMessages } from '../alerts.messages';
import { AlertDeliveriesRepository, type NewFiring } from '../delivery/alert-deliveries.repository';
import type { ErrorGroupConditions } from '../rules/alert-conditions';
import { AlertRulesRepository } from '../rules/alert-rules.repository';
import { AlertRetries } from './alert-retries';

/** The firing an error event makes for a rule, if it matches it. */
function firingOf(rule: AlertRuleEntity, event: CommittedError): NewFiring | undefined {
  const wanted = (rule.conditions as ErrorGroupConditions).severity;
  if (wanted !== undefined && event.severity !== wanted) return undefined;
  const group = {
    group_id: event.groupId,
    error_type: event.errorType,
    message: event.message,
    severity: event.severity,
    environment: event.environment,
    occurrences: event.occurrences,
  };
  const what = `${event.errorType || 'Error'}: ${event.message}`.slice(0, 300);
  if (rule.kind === 'new_error_group' && event.newGroup) {
    return {
      dedupKey: `group:${event.groupId}:new`,
      summary: { title: `New error group: ${what}`, details: group },
      firedAt: new Date(event.timestamp),
    };
  }
  if (rule.kind === 'regression' && event.regression) {
    // A group can regress again after being resolved again: each reopening event is its own.
    return {
      dedupKey: `group:${event.groupId}:reopened:${event.eventId}`,
      summary: { title: `Regression (resolved group recurs): ${what}`, details: group },
      firedAt: new Date(event.timestamp),
    };
  }
  return undefined;
}

/**
 * Evaluates the event-driven rules (new error group, regression) on committed events, in the
 * process that committed them — the HTTP receiver with the inline queue, the worker with the
 * Redis queue — so each event is seen by one process; the firing's unique key makes a repeat
 * (a redelivered batch) record nothing. Only firings are written here; the alerts tick gathers
 * and sends them, off the ingest path. A batch whose firings could not be written (the events
 * committed, then the database failed) is evaluated again at the next alerts tick.
 */
@Injectable()
export class EventRulesListener implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ReceiverAlerts');
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly bus: CommittedEventsBus,
    private readonly rules: AlertRulesRepository,
    private readonly deliveries: AlertDeliveriesRepository,
    private readonly retries: AlertRetries,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe((events) => this.onEvents(events));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Records the firings of a committed batch (one rules query, only for batches that matter). */
  async onEvents(events: readonly CommittedEvent[]): Promise<void> {
    const errors = events.filter(
      (event): event is CommittedError =>
        event.type === 'error' && (event.newGroup || event.regression),
    );
    if (errors.length === 0) return;
    try {
      await this.record(errors);
    } catch (error) {
      this.logger.warn(AlertsMessages.eventsFailed(String(error)));
      this.retries.hold(`${errors.length} error events`, () => this.record(errors));
    }
  }

  private async record(errors: readonly CommittedError[]): Promise<void> {
    const projects = [...new Set(errors.map((event) => event.projectId))];
    const rules = await this.rules.active([...EVENT_RULE_KINDS], projects);
    for (const rule of rules) {
      const firings = errors
        .filter((event) => event.projectId === rule.project_id)
        .map((event) => firingOf(rule, event))
        .filter((firing): firing is NewFiring => firing !== undefined);
      if (firings.length > 0) await this.deliveries.recordFirings(rule, firings);
    }
  }
}
