import { InvalidInputError } from '../../common/errors/receiver.errors';
import type { AlertChannel, AlertRuleKind } from '../../storage/entities/alert-rule.entity';
import {
  ALERT_CHANNELS,
  ALERT_RULE_KINDS,
  DEFAULT_COOLDOWN_SECONDS,
  MAX_COOLDOWN_SECONDS,
} from '../alerts.constants';
import { AlertsMessages } from '../alerts.messages';
import { parseConditions } from './alert-conditions';

const bad = (message: string) => new InvalidInputError(message);

/** A rule to create, validated: what the API's body and the CLI's options both become. */
export interface NewAlertRule {
  projectId: number;
  name: string;
  kind: AlertRuleKind;
  conditions: Record<string, unknown>;
  channel: AlertChannel;
  url: string;
  cooldownSeconds: number;
  isActive: boolean;
}

/** Changes to a rule (the kind is fixed: its conditions would mean something else). */
export type AlertRuleChanges = Partial<Omit<NewAlertRule, 'projectId' | 'kind'>>;

/** A positive integer given as a number or a decimal string, else `undefined`. */
export function positiveId(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  if (!/^\d{1,10}$/.test(text.trim())) return undefined;
  const id = Number(text.trim());
  return id > 0 && id <= 2_147_483_647 ? id : undefined;
}

function name(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.trim().length > 100) {
    throw bad(AlertsMessages.nameRequired);
  }
  return value.trim();
}

function url(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2048) throw bad(AlertsMessages.urlInvalid);
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error();
  } catch {
    throw bad(AlertsMessages.urlInvalid);
  }
  return value;
}

function channel(value: unknown): AlertChannel {
  if (!ALERT_CHANNELS.includes(value as AlertChannel)) {
    throw bad(AlertsMessages.channelInvalid(ALERT_CHANNELS));
  }
  return value as AlertChannel;
}

function cooldown(value: unknown): number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 0 ||
    value > MAX_COOLDOWN_SECONDS
  ) {
    throw bad(AlertsMessages.cooldownInvalid);
  }
  return value;
}

function active(value: unknown): boolean {
  if (typeof value !== 'boolean') throw bad(AlertsMessages.isActiveBoolean);
  return value;
}

const given = (body: Record<string, unknown>, field: string): boolean =>
  body[field] !== undefined && body[field] !== null;

/**
 * Checks a create request: `project_id`, `name`, `kind`, `conditions` (per kind), `url`, and
 * optionally `channel` (default `webhook`), `cooldown_seconds` (default 300), `is_active`.
 */
export function parseNewAlertRule(body: Record<string, unknown>): NewAlertRule {
  const projectId = positiveId(body.project_id);
  if (projectId === undefined) throw bad(AlertsMessages.projectRequired);
  const kind = body.kind as AlertRuleKind;
  if (!ALERT_RULE_KINDS.includes(kind)) throw bad(AlertsMessages.kindInvalid(ALERT_RULE_KINDS));
  return {
    projectId,
    name: name(body.name),
    kind,
    conditions: parseConditions(kind, body.conditions),
    channel: given(body, 'channel') ? channel(body.channel) : 'webhook',
    url: url(body.url),
    cooldownSeconds: given(body, 'cooldown_seconds')
      ? cooldown(body.cooldown_seconds)
      : DEFAULT_COOLDOWN_SECONDS,
    isActive: given(body, 'is_active') ? active(body.is_active) : true,
  };
}

/** Checks an edit request against the rule's `kind`; only the fields given change. */
export function parseAlertRuleChanges(
  kind: AlertRuleKind,
  body: Record<string, unknown>,
): AlertRuleChanges {
  if (given(body, 'kind') && body.kind !== kind) throw bad(AlertsMessages.kindImmutable);
  const changes: AlertRuleChanges = {};
  if (given(body, 'name')) changes.name = name(body.name);
  if (given(body, 'conditions')) changes.conditions = parseConditions(kind, body.conditions);
  if (given(body, 'channel')) changes.channel = channel(body.channel);
  if (given(body, 'url')) changes.url = url(body.url);
  if (given(body, 'cooldown_seconds')) changes.cooldownSeconds = cooldown(body.cooldown_seconds);
  if (given(body, 'is_active')) changes.isActive = active(body.is_active);
  if (Object.keys(changes).length === 0) throw bad(AlertsMessages.nothingToUpdate);
  return changes;
}
