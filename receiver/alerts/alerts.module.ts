import { Module } from '@nestjs/common';
import { AlertsController } from './alerts.controller';
import { AlertDeliveriesRepository } from './delivery/alert-deliveries.repository';
import { AlertDeliveriesService } from './delivery/alert-deliveries.service';
import { AlertDeliverySender } from './delivery/alert-delivery.sender';
import { AlertRealtimePublisher } from './delivery/alert-realtime.publisher';
import { AlertEvaluationClaims } from './evaluation/alert-evaluation.claims';
import { AlertRetries } from './evaluation/alert-retries';
import { AlertSignalsReader } from './evaluation/alert-signals.reader';
import { AlertsEngine } from './evaluation/alerts.engine';
import { AlertsScheduler } from './evaluation/alerts.scheduler';
import { EventRulesListener } from './evaluation/event-rules.listener';
import { TimeRulesEvaluator } from './evaluation/time-rules.evaluator';
import { AlertRulesRepository } from './rules/alert-rules.repository';
import { AlertRulesService } from './rules/alert-rules.service';

/** What a CLI context needs to manage rules and read the delivery log (no timer, no listener). */
export const ALERT_RULES_PROVIDERS = [
  AlertRulesRepository,
  AlertRulesService,
  AlertDeliveriesRepository,
  AlertDeliveriesService,
];

/**
 * Alerts: the admin API under `/api/alerts`, rule evaluation (committed events in the process
 * that wrote them, time-based rules on a timer with per-slot claims) and the delivery outbox.
 * Wired to projects, the committed-events bus and the realtime fan-out (each message is also
 * published to the `alerts` channel) in `receiver.features.ts`.
 */
@Module({
  controllers: [AlertsController],
  providers: [
    ...ALERT_RULES_PROVIDERS,
    AlertDeliverySender,
    AlertRealtimePublisher,
    AlertEvaluationClaims,
    AlertRetries,
    AlertSignalsReader,
    TimeRulesEvaluator,
    AlertsEngine,
    AlertsScheduler,
    EventRulesListener,
  ],
  exports: [AlertRulesService],
})
export class AlertsModule {}
