import { Injectable } from '@nestjs/common';
import type { AlertRuleEntity, AlertRuleKind } from '../../storage/entities/alert-rule.entity';
import type { NewFiring } from '../delivery/alert-deliveries.repository';
import type {
  ErrorThresholdConditions,
  HostStaleConditions,
  TelemetryValueConditions,
  TrafficAnomalyConditions,
} from '../rules/alert-conditions';
import { TelemetryValuesReader } from '../../telemetry/hosts/telemetry-values.reader';
import { AlertSignalsReader } from './alert-signals.reader';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const WEEK = 7 * 24 * HOUR;

type Evaluate = (rule: AlertRuleEntity, now: number) => Promise<NewFiring[]>;

/** The kinds evaluated on a timer. */
export const TIME_RULE_KINDS: readonly AlertRuleKind[] = [
  'error_threshold',
  'traffic_anomaly',
  'host_stale',
  'telemetry_value',
];

/**
 * Evaluates a time-based rule at `now` and returns its firings. Each firing's key names the
 * occurrence (the window, the hour, the silence, the run of values), so evaluating the same
 * occurrence again — at the next tick, or in another process — records nothing new.
 */
@Injectable()
export class TimeRulesEvaluator {
  private readonly kinds: Record<string, Evaluate>;

  constructor(
    private readonly signals: AlertSignalsReader,
    private readonly telemetry: TelemetryValuesReader,
  ) {
    this.kinds = {
      error_threshold: (rule, now) => this.errorThreshold(rule, now),
      traffic_anomaly: (rule, now) => this.trafficAnomaly(rule, now),
      host_stale: (rule, now) => this.hostStale(rule, now),
      telemetry_value: (rule, now) => this.telemetryValue(rule, now),
    };
  }

  evaluate(rule: AlertRuleEntity, now: number): Promise<NewFiring[]> {
    return this.kinds[rule.kind]?.(rule, now) ?? Promise.resolve([]);
  }

  /** At least `count` events in the last `window_minutes`: once per window length. */
  private async errorThreshold(rule: AlertRuleEntity, now: number): Promise<NewFiring[]> {
    const c = rule.conditions as unknown as ErrorThresholdConditions;
    const window = c.window_minutes * MINUTE;
    const count = await this.signals.errorCount(rule.project_id, now - window, now + 1, {
      groupId: c.group_id,
      severity: c.severity,
    });
    if (count < c.count) return [];
    const scope =
      c.group_id !== undefined
        ? `of group ${c.group_id}`
        : c.severity !== undefined
          ? `of severity ${c.severity}`
          : 'in total';
    return [
      {
        dedupKey: `window:${Math.floor(now / window)}`,
        summary: {
          title: `${count} errors ${scope} in the last ${c.window_minutes} min (threshold ${c.count})`,
          details: { ...c, events: count },
        },
        firedAt: new Date(now),
      },
    ];
  }

  /** Last complete hour against the average of the same hour in the previous weeks. */
  private async trafficAnomaly(rule: AlertRuleEntity, now: number): Promise<NewFiring[]> {
    const c = rule.conditions as unknown as TrafficAnomalyConditions;
    const hourEnd = Math.floor(now / HOUR) * HOUR;
    const hourStart = hourEnd - HOUR;
    const current = await this.signals.pageviews(rule.project_id, hourStart, hourEnd);
    let total = 0;
    for (let week = 1; week <= c.weeks; week++) {
      total += await this.signals.pageviews(
        rule.project_id,
        hourStart - week * WEEK,
        hourEnd - week * WEEK,
      );
    }
    const baseline = total / c.weeks;
    if (baseline < c.min_pageviews) return [];
    const spike = c.direction === 'spike' && current >= baseline * (1 + c.percent / 100);
    const drop = c.direction === 'drop' && current <= baseline * (1 - c.percent / 100);
    if (!spike && !drop) return [];
    const hour = new Date(hourStart).toISOString().slice(0, 13);
    const change = baseline > 0 ? Math.round(((current - baseline) / baseline) * 100) : null;
    return [
      {
        dedupKey: `hour:${hour}`,
        summary: {
          title: `Traffic ${c.direction}: ${current} pageviews ${hour}:00Z vs ${baseline.toFixed(1)} usual (${change === null ? 'new' : `${change > 0 ? '+' : ''}${change}%`})`,
          details: { hour: `${hour}:00Z`, pageviews: current, baseline, change_percent: change },
        },
        firedAt: new Date(now),
      },
    ];
  }

  /** Hosts silent for `minutes`: once per silence (a new report starts a new one). */
  private async hostStale(rule: AlertRuleEntity, now: number): Promise<NewFiring[]> {
    const c = rule.conditions as unknown as HostStaleConditions;
    const silent = await this.telemetry.silentHosts(
      rule.project_id,
      now - c.minutes * MINUTE,
      c.host,
    );
    return silent.map((host) => ({
      dedupKey: `host:${host.id}:${host.lastSeen.getTime()}`,
      summary: {
        title: `Host ${host.host} has not reported for ${Math.floor((now - host.lastSeen.getTime()) / MINUTE)} min`,
        details: { host: host.host, last_seen: host.lastSeen.toISOString(), minutes: c.minutes },
      },
      firedAt: new Date(now),
    }));
  }

  /** `key` has met the comparison for `for_minutes`: once per run of such values. */
  private async telemetryValue(rule: AlertRuleEntity, now: number): Promise<NewFiring[]> {
    const c = rule.conditions as unknown as TelemetryValueConditions;
    const streaks = await this.telemetry.valueStreaks(
      rule.project_id,
      c.key,
      c.comparison,
      c.value,
      c.host,
    );
    return streaks
      .filter((streak) => now - streak.since.getTime() >= c.for_minutes * MINUTE)
      .map((streak) => ({
        dedupKey: `value:${streak.hostId}:${streak.since.getTime()}`,
        summary: {
          title: `${streak.host}: ${c.key} ${c.comparison} ${c.value} since ${streak.since.toISOString()}`,
          details: {
            host: streak.host,
            key: c.key,
            comparison: c.comparison,
            value: c.value,
            since: streak.since.toISOString(),
            for_minutes: c.for_minutes,
          },
        },
        firedAt: new Date(now),
      }));
  }
}
