import { Injectable } from '@nestjs/common';
import { RealtimeFanout } from '../../realtime/realtime.fanout';
import type { RealtimeAlert } from '../../realtime/interfaces/realtime.interfaces';
import { FIRINGS_PER_MESSAGE } from '../alerts.constants';
import { headline, type AlertMessage } from './alert-message.formats';

/**
 * Puts each alert message on the realtime `alerts` channel when it is created, i.e. once across
 * processes (only the process whose gathering won has the message), beside its webhook delivery.
 * The fan-out drops it when realtime is disabled.
 */
@Injectable()
export class AlertRealtimePublisher {
  constructor(private readonly fanout: RealtimeFanout) {}

  publish(message: AlertMessage, now: Date): void {
    const alert: RealtimeAlert = {
      projectId: message.rule.project_id,
      ruleId: message.rule.id,
      kind: message.rule.kind,
      message: headline(message),
      firedAt: message.firings[0] ? Date.parse(message.firings[0].fired_at) : now.getTime(),
      details: {
        delivery_id: message.deliveryId,
        rule_name: message.rule.name,
        count: message.count,
        firings: message.firings.slice(0, FIRINGS_PER_MESSAGE),
      },
    };
    this.fanout.publishAlert(alert);
  }
}
