import type { AlertChannel, AlertRuleKind } from '../storage/entities/alert-rule.entity';

/** Every rule kind, in the order the docs present them. */
export const ALERT_RULE_KINDS: readonly AlertRuleKind[] = [
  'new_error_group',
  'regression',
  'error_threshold',
  'traffic_anomaly',
  'host_stale',
  'telemetry_value',
];

/** Kinds evaluated on committed events, in the process that committed them. */
export const EVENT_RULE_KINDS: ReadonlySet<AlertRuleKind> = new Set([
  'new_error_group',
  'regression',
]);

export const ALERT_CHANNELS: readonly AlertChannel[] = ['webhook', 'slack', 'discord'];

/** Default least seconds between two messages of one rule. */
export const DEFAULT_COOLDOWN_SECONDS = 300;
export const MAX_COOLDOWN_SECONDS = 86_400;

/** A delivery is retried for this long after it was created, then marked failed. */
export const DELIVERY_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Longest wait between two attempts (before jitter). */
export const DELIVERY_MAX_BACKOFF_MS = 60 * 60 * 1000;
/** How long a sender holds a delivery it is sending; a crashed sender's row is free again after. */
export const DELIVERY_LEASE_MS = 60_000;
/** An endpoint that does not answer within this is a failed attempt. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** Deliveries one tick sends at most (the rest wait for the next tick). */
export const DELIVERIES_PER_TICK = 50;
/** Firings listed in one message; the rest are counted. */
export const FIRINGS_PER_MESSAGE = 20;

/** Header of the webhook signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
export const ALERT_SIGNATURE_HEADER = 'X-Alert-Signature';
/** Header naming the delivery (retries of one delivery carry the same id). */
export const ALERT_DELIVERY_HEADER = 'X-Alert-Delivery';
/** How old a signature a verifier accepts by default (seconds). */
export const ALERT_SIGNATURE_TOLERANCE_SECONDS = 300;
