import { Injectable } from '@nestjs/common';
import { InvalidInputError } from '../../common/errors/receiver.errors';
import { ProjectsService } from '../../projects/projects.service';
import type {
  AlertDeliveryEntity,
  AlertDeliveryStatus,
} from '../../storage/entities/alert-delivery.entity';
import type { AlertRuleEntity } from '../../storage/entities/alert-rule.entity';
import { AlertsMessages } from '../alerts.messages';
import { positiveId } from '../rules/alert-rule.input';
import { AlertDeliveriesRepository } from './alert-deliveries.repository';

const STATUSES: readonly AlertDeliveryStatus[] = ['pending', 'delivered', 'failed'];
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 500;

/** The delivery log's filters as they come (query string, CLI options). */
export interface DeliveryLogQuery {
  project?: string;
  rule?: string;
  status?: string;
  limit?: string;
}

/** How the delivery log shows one delivery. */
export function deliveryView(delivery: AlertDeliveryEntity): Record<string, unknown> {
  return {
    id: delivery.id,
    rule_id: delivery.rule_id,
    kind: delivery.kind,
    status: delivery.status,
    firing_count: delivery.firing_count,
    attempts: delivery.attempts,
    response_status: delivery.response_status,
    last_error: delivery.last_error,
    next_attempt_at: delivery.status === 'pending' ? delivery.next_attempt_at.toISOString() : null,
    created_at: delivery.created_at.toISOString(),
    delivered_at: delivery.delivered_at?.toISOString() ?? null,
    payload: JSON.parse(delivery.payload || 'null') as unknown,
  };
}

/** The delivery log and the "send test" action, for the admin API and the CLI. */
@Injectable()
export class AlertDeliveriesService {
  constructor(
    private readonly deliveries: AlertDeliveriesRepository,
    private readonly projects: ProjectsService,
  ) {}

  /** Queues a test message to the rule's endpoint; returns the delivery id. */
  queueTest(rule: AlertRuleEntity): Promise<number> {
    return this.deliveries.queueTest(rule, new Date());
  }

  /** A project's deliveries, newest first, checked filters (400 on a bad one, 404 on a project). */
  async log(query: DeliveryLogQuery): Promise<Record<string, unknown>[]> {
    const projectId = positiveId(query.project);
    if (projectId === undefined) throw new InvalidInputError(AlertsMessages.projectQueryRequired);
    const ruleId = query.rule === undefined ? undefined : positiveId(query.rule);
    if (query.rule !== undefined && ruleId === undefined) {
      throw new InvalidInputError(AlertsMessages.idRequired);
    }
    const status = query.status as AlertDeliveryStatus | undefined;
    if (status !== undefined && !STATUSES.includes(status)) {
      throw new InvalidInputError(AlertsMessages.statusInvalid);
    }
    const limit = query.limit === undefined ? DEFAULT_LIMIT : positiveId(query.limit);
    if (limit === undefined || limit > MAX_LIMIT) {
      throw new InvalidInputError(AlertsMessages.limitInvalid);
    }
    await this.projects.get(projectId);
    const rows = await this.deliveries.list({ projectId, ruleId, status, limit });
    return rows.map(deliveryView);
  }
}
