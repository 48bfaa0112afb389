import { InvalidInputError } from '../../common/errors/receiver.errors';
import type { ErrorSeverity } from '../../storage/entities/error-group.entity';
import type { AlertRuleKind } from '../../storage/entities/alert-rule.entity';
import { AlertsMessages } from '../alerts.messages';

const SEVERITIES: readonly ErrorSeverity[] = ['info', 'warning', 'error', 'critical'];
export const COMPARISONS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type Comparison = (typeof COMPARISONS)[number];

/** `new_error_group` and `regression`: optionally only groups of one severity. */
export interface ErrorGroupConditions {
  severity?: ErrorSeverity;
}

/** `error_threshold`: `count` events within `window_minutes`, of one group, a severity, or all. */
export interface ErrorThresholdConditions {
  count: number;
  window_minutes: number;
  group_id?: number;
  severity?: ErrorSeverity;
}

/** `traffic_anomaly`: last hour's pageviews against the same hour of the previous `weeks`. */
export interface TrafficAnomalyConditions {
  direction: 'spike' | 'drop';
  /** Spike: at least this much above the baseline; drop: at least this much below (≤ 100). */
  percent: number;
  weeks: number;
  /** Baselines under this many pageviews a week are too small to compare. */
  min_pageviews: number;
}

/** `host_stale`: no report for `minutes` (from one host, or from any host of the project). */
export interface HostStaleConditions {
  minutes: number;
  host?: string;
}

/** `telemetry_value`: `key` compared to `value` has held for `for_minutes` (0: at once). */
export interface TelemetryValueConditions {
  key: string;
  comparison: Comparison;
  value: number;
  for_minutes: number;
  host?: string;
}

type Raw = Record<string, unknown>;

const bad = (field: string, rule: string) =>
  new InvalidInputError(AlertsMessages.conditionInvalid(field, rule));

function whole(raw: Raw, field: string, min: number, max: number, fallback?: number): number {
  const value = raw[field] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw bad(field, `a whole number from ${min} to ${max}`);
  }
  return value;
}

function text(raw: Raw, field: string, max: number): string {
  const value = raw[field];
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw bad(field, `a non-empty string of at most ${max} characters`);
  }
  return value.trim();
}

function oneOf<T extends string>(raw: Raw, field: string, values: readonly T[]): T {
  const value = raw[field];
  if (typeof value !== 'string' || !values.includes(value as T)) {
    throw bad(field, `one of ${values.join(', ')}`);
  }
  return value as T;
}

/** `{field: read()}` when the field is given (absent or null: left out). */
const optional = (raw: Raw, field: string, read: () => unknown): Raw =>
  raw[field] === undefined || raw[field] === null ? {} : { [field]: read() };

const severity = (raw: Raw): Raw =>
  optional(raw, 'severity', () => oneOf(raw, 'severity', SEVERITIES));

/** Each kind's fields (anything else is refused) and reader (checks, fills defaults). */
const KINDS: Record<AlertRuleKind, { fields: readonly string[]; read: (raw: Raw) => Raw }> = {
  new_error_group: { fields: ['severity'], read: severity },
  regression: { fields: ['severity'], read: severity },
  error_threshold: {
    fields: ['count', 'window_minutes', 'group_id', 'severity'],
    read: (raw) => ({
      count: whole(raw, 'count', 1, 1_000_000),
      window_minutes: whole(raw, 'window_minutes', 1, 1440),
      ...optional(raw, 'group_id', () => whole(raw, 'group_id', 1, 2_147_483_647)),
      ...severity(raw),
    }),
  },
  traffic_anomaly: {
    fields: ['direction', 'percent', 'weeks', 'min_pageviews'],
    read: (raw) => {
      const direction = oneOf(raw, 'direction', ['spike', 'drop'] as const);
      return {
        direction,
        percent: whole(raw, 'percent', 1, direction === 'drop' ? 100 : 100_000),
        weeks: whole(raw, 'weeks', 1, 8, 4),
        min_pageviews: whole(raw, 'min_pageviews', 0, 1_000_000, 10),
      };
    },
  },
  host_stale: {
    fields: ['minutes', 'host'],
    read: (raw) => ({
      minutes: whole(raw, 'minutes', 1, 10_080),
      ...optional(raw, 'host', () => text(raw, 'host', 191)),
    }),
  },
  telemetry_value: {
    fields: ['key', 'comparison', 'value', 'for_minutes', 'host'],
    read: (raw) => {
      if (typeof raw.value !== 'number' || !Number.isFinite(raw.value)) {
        throw bad('value', 'a finite number');
      }
      return {
        key: text(raw, 'key', 191),
        comparison: oneOf(raw, 'comparison', COMPARISONS),
        value: raw.value,
        for_minutes: whole(raw, 'for_minutes', 0, 1440, 0),
        ...optional(raw, 'host', () => text(raw, 'host', 191)),
      };
    },
  },
};

/**
 * Checks the conditions of a rule of `kind` and returns them with their defaults filled in. An
 * unknown field is refused rather than ignored: a typo (`window_minute`) would otherwise make a
 * rule that silently never fires as meant.
 */
export function parseConditions(kind: AlertRuleKind, raw: unknown): Raw {
  const value = raw ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidInputError(AlertsMessages.conditionsObject);
  }
  const given = value as Raw;
  for (const field of Object.keys(given)) {
    if (!KINDS[kind].fields.includes(field)) {
      throw new InvalidInputError(AlertsMessages.conditionUnknown(field, kind));
    }
  }
  return KINDS[kind].read(given);
}

/** Whether `actual <comparison> threshold` holds. */
export function compare(actual: number, comparison: Comparison, threshold: number): boolean {
  switch (comparison) {
    case '>':
      return actual > threshold;
    case '>=':
      return actual >= threshold;
    case '<':
      return actual < threshold;
    case '<=':
      return actual <= threshold;
    case '==':
      return actual === threshold;
    case '!=':
      return actual !== threshold;
  }
}
