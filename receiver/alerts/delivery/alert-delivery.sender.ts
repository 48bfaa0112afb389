import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AlertDeliveryEntity } from '../../storage/entities/alert-delivery.entity';
import {
  ALERT_DELIVERY_HEADER,
  ALERT_SIGNATURE_HEADER,
  DELIVERIES_PER_TICK,
  DELIVERY_LEASE_MS,
  DELIVERY_TIMEOUT_MS,
} from '../alerts.constants';
import { AlertsMessages } from '../alerts.messages';
import { RECEIVER_OPTIONS } from '../../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../../config/receiver-options.interface';
import { AlertDeliveriesRepository } from './alert-deliveries.repository';
import { signAlertPayload } from './alert-signature';
import { nextAttemptAt } from './delivery-retry.policy';

/** What one attempt got back. */
interface AttemptResult {
  status: number | null;
  error: string;
}

/**
 * Sends due deliveries from the outbox: each one leased first (so of several processes exactly
 * one sends it), POSTed with its signature, then marked delivered on a 2xx, or rescheduled with
 * backoff, or failed after 24 hours. Nothing is removed: the rows are the delivery log.
 */
@Injectable()
export class AlertDeliverySender {
  private readonly logger = new Logger('ReceiverAlerts');

  constructor(
    private readonly deliveries: AlertDeliveriesRepository,
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
  ) {}

  /** Sends what is due now; returns how many were sent successfully. */
  async sendDue(now = Date.now()): Promise<number> {
    let delivered = 0;
    for (const id of await this.deliveries.due(now, DELIVERIES_PER_TICK)) {
      const delivery = await this.deliveries.lease(id, now, DELIVERY_LEASE_MS);
      if (delivery && (await this.send(delivery))) delivered++;
    }
    return delivered;
  }

  private async send(delivery: AlertDeliveryEntity): Promise<boolean> {
    const rule = await this.deliveries.rule(delivery.rule_id);
    if (!rule) return false; // deleted meanwhile: its deliveries went with it
    const result = await this.attempt(rule.url, rule.secret, delivery);
    const attempts = delivery.attempts + 1;
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    if (ok) {
      await this.deliveries.settle(delivery.id, {
        status: 'delivered',
        attempts,
        response_status: result.status,
        last_error: '',
        delivered_at: new Date(),
      });
      return true;
    }
    const next = nextAttemptAt(
      attempts,
      delivery.created_at,
      Date.now(),
      this.options.alerts.retryBaseSeconds * 1000,
    );
    if (next) this.logger.warn(AlertsMessages.deliveryFailed(delivery.id, result.error));
    else this.logger.error(AlertsMessages.deliveryGaveUp(delivery.id));
    await this.deliveries.settle(delivery.id, {
      status: next ? 'pending' : 'failed',
      attempts,
      response_status: result.status,
      last_error: result.error,
      ...(next ? { next_attempt_at: next } : {}),
    });
    return false;
  }

  private async attempt(
    url: string,
    secret: string,
    delivery: AlertDeliveryEntity,
  ): Promise<AttemptResult> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'nestjs-telemetry-alerts',
          [ALERT_DELIVERY_HEADER]: String(delivery.id),
          // Signed at each attempt: the time in the signature is the time it was sent.
          [ALERT_SIGNATURE_HEADER]: signAlertPayload(secret, delivery.payload),
        },
        body: delivery.payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      // The body is not needed, but reading it frees the connection.
      await response.arrayBuffer().catch(() => undefined);
      return { status: response.status, error: response.ok ? '' : `HTTP ${response.status}` };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { status: null, error: cause ?? (error as Error).message };
    }
  }
}
