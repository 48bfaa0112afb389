import type { AlertFiringSummary } from '../../storage/entities/alert-firing.entity';
import type { AlertChannel, AlertRuleEntity } from '../../storage/entities/alert-rule.entity';
import { FIRINGS_PER_MESSAGE } from '../alerts.constants';

/** One firing as a message lists it. */
export interface MessageFiring extends AlertFiringSummary {
  fired_at: string;
}

/** What one message says, before it takes a channel's shape. */
export interface AlertMessage {
  type: 'alert.fired' | 'alert.test';
  deliveryId: number;
  rule: Pick<AlertRuleEntity, 'id' | 'name' | 'kind' | 'project_id'>;
  /** Every firing grouped into the message (only the first {@link FIRINGS_PER_MESSAGE} listed). */
  count: number;
  firings: MessageFiring[];
}

/** `TypeError: x` or `3 alerts — TypeError: x, …`. */
export function headline(message: AlertMessage): string {
  const first = message.firings[0]?.title ?? '';
  return message.count > 1 ? `${message.count} alerts — ${first}, …` : first;
}

function lines(message: AlertMessage): string[] {
  const listed = message.firings.slice(0, FIRINGS_PER_MESSAGE).map((f) => `• ${f.title}`);
  const more = message.count - listed.length;
  return more > 0 ? [...listed, `… and ${more} more`] : listed;
}

/** The signed JSON webhook body (documented in docs/alerts.md). */
function webhook(message: AlertMessage): unknown {
  return {
    type: message.type,
    delivery_id: message.deliveryId,
    project_id: message.rule.project_id,
    rule: { id: message.rule.id, name: message.rule.name, kind: message.rule.kind },
    title: headline(message),
    count: message.count,
    firings: message.firings.slice(0, FIRINGS_PER_MESSAGE),
  };
}

/** A Slack incoming webhook: `text` (notifications) and one mrkdwn section. */
function slack(message: AlertMessage): unknown {
  const title = `[${message.rule.name}] ${headline(message)}`;
  return {
    text: title,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `*${title}*\n${lines(message).join('\n')}`.slice(0, 3000) },
      },
    ],
  };
}

/** A Discord incoming webhook: `content` (≤ 2000 characters) and one embed. */
function discord(message: AlertMessage): unknown {
  return {
    content: `**${message.rule.name}**: ${headline(message)}`.slice(0, 2000),
    embeds: [
      {
        title: message.rule.name.slice(0, 256),
        description: lines(message).join('\n').slice(0, 4096),
        color: message.type === 'alert.test' ? 0x5865f2 : 0xe74c3c,
        timestamp: message.firings[0]?.fired_at,
      },
    ],
  };
}

const FORMATS: Record<AlertChannel, (message: AlertMessage) => unknown> = {
  webhook,
  slack,
  discord,
};

/** The body of a message for a rule's channel, as sent. */
export function formatAlertMessage(channel: AlertChannel, message: AlertMessage): string {
  return JSON.stringify(FORMATS[channel](message));
}
