import { Inject, Injectable } from '@nestjs/common';
import { LIMITS } from '../analytics/analytics-query.params';
import { ErrorReads } from '../analytics/error-reads.service';
import { LinkReads } from '../analytics/link-reads.service';
import type { AnalyticsRange } from '../analytics/range/analytics-range.interface';
import { parseAnalyticsRange } from '../analytics/range/analytics-range.parser';
import { TrafficReads } from '../analytics/traffic-reads.service';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { InvalidInputError } from '../common/errors/receiver.errors';
import { addDays, localDateOf, startOfLocalDay } from '../common/time/zoned-time.util';
import { int } from '../storage/sql/sql-values';
import { TelemetryValuesReader } from '../telemetry/hosts/telemetry-values.reader';
import { GRAFANA_MESSAGES } from './grafana.messages';
import {
  type DynamicPayload,
  type GrafanaQueryRequest,
  type GrafanaSeries,
  type GrafanaTable,
  grafanaTable,
  type GrafanaTarget,
} from './grafana.protocol';
import { bucketAverages } from './series-buckets';

type Answer = GrafanaSeries | GrafanaTable;
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * Answers the datasource's queries from the analytics reads (one way to compute each figure:
 * the same services as `/api/analytics/*`, rollups included) and the telemetry samples.
 * Analytics series have one point per local day of the receiver's time zone, at the day's start.
 */
@Injectable()
export class GrafanaQueryService {
  constructor(
    @Inject(RECEIVER_OPTIONS) private readonly receiverOptions: ResolvedReceiverOptions,
    private readonly traffic: TrafficReads,
    private readonly errors: ErrorReads,
    private readonly links: LinkReads,
    private readonly telemetry: TelemetryValuesReader,
  ) {}

  /** Every non-hidden target of a `/query` request, in order. */
  async query(projectId: number, request: GrafanaQueryRequest): Promise<Answer[]> {
    const fromMs = instant(request.range?.from);
    const toMs = instant(request.range?.to);
    if (toMs < fromMs) throw new InvalidInputError(GRAFANA_MESSAGES.badRange);
    const range = this.rangeOf(fromMs, toMs);
    const answers: Answer[] = [];
    for (const target of request.targets ?? []) {
      if (target.hide || !target.target) continue;
      answers.push(await this.one(projectId, target, range, fromMs, toMs, request));
    }
    return answers;
  }

  /** Values of a dynamic payload (`/metric-payload-options`, `/variable`). */
  async options(
    projectId: number,
    name: DynamicPayload,
    payload: Record<string, unknown>,
  ): Promise<Array<{ label: string; value: string }>> {
    if (name === 'host' || name === 'key') {
      const latest = await this.telemetry.latestNumbers(projectId);
      const values =
        name === 'host'
          ? latest.map((l) => l.host)
          : latest.filter((l) => !payload.host || l.host === payload.host).map((l) => l.key);
      return [...new Set(values)].map((value) => ({ label: value, value }));
    }
    const range = this.rangeOf(Date.now() - 365 * 86_400_000, Date.now());
    if (name === 'code') {
      const { links } = await this.links.links(projectId, range);
      return links.map((l) => ({ label: l.label || l.code, value: l.code }));
    }
    const { errors } = await this.errors.errors(projectId, range, NO_FILTERS, LIMITS.errors.max);
    return errors.map((e) => ({ label: `${e.error_type}: ${e.message}`, value: String(e.id) }));
  }

  private async one(
    projectId: number,
    target: GrafanaTarget,
    range: AnalyticsRange,
    fromMs: number,
    toMs: number,
    request: GrafanaQueryRequest,
  ): Promise<Answer> {
    const payload = target.payload ?? {};
    const name = target.target;
    switch (name) {
      case 'pageviews':
      case 'visitors': {
        const { over_time } = await this.traffic.visitors(projectId, range);
        const field = name === 'pageviews' ? 'pageviews' : 'unique_visitors';
        return this.daily(
          name,
          range,
          over_time.map((d) => [d.date, d[field]]),
        );
      }
      case 'sessions': {
        const { over_time } = await this.traffic.sessions(projectId, range);
        const days = over_time as Array<{ date: string; sessions: number }>;
        return this.daily(
          name,
          range,
          days.map((d) => [d.date, d.sessions]),
        );
      }
      case 'bounce_rate': {
        // Each day's rate as the sessions endpoint gives it for that day, in one read.
        const days = await this.traffic.bounceDays(projectId, range);
        return this.daily(
          name,
          range,
          days.map((d) => [d.date, d.bounce_rate]),
        );
      }
      case 'errors': {
        const group = Number(payload.group) || null;
        const { over_time } = await this.errors.trend(projectId, range, group);
        const label = group ? `errors (group ${group})` : 'errors';
        return this.daily(
          label,
          range,
          over_time.map((d) => [d.date, d.occurrences]),
        );
      }
      case 'error_groups':
        return this.errorGroups(projectId, range, payload);
      case 'error_summary': {
        const { summary } = await this.errors.errors(projectId, range, NO_FILTERS, 1);
        const kinds = Object.entries(summary).map(([kind, groups]) => ({ kind, groups }));
        return grafanaTable(
          [
            ['kind', 'string'],
            ['groups', 'number'],
          ],
          kinds,
        );
      }
      case 'link_clicks':
        return this.linkClicks(projectId, range, text(payload.code));
      case 'links': {
        const { links } = await this.links.links(projectId, range);
        return grafanaTable(
          [
            ['code', 'string'],
            ['label', 'string'],
            ['destination_url', 'string'],
            ['total_clicks', 'number'],
            ['unique_clicks', 'number'],
          ],
          links,
        );
      }
      case 'telemetry': {
        const host = text(payload.host);
        const key = text(payload.key);
        if (!host || !key) throw new InvalidInputError(GRAFANA_MESSAGES.hostAndKey);
        const samples = await this.telemetry.numericSeries(projectId, host, key, fromMs, toMs);
        const points = samples.map((s): [number, number] => [s.value, s.at.getTime()]);
        return {
          target: `${host} ${key}`,
          datapoints: bucketAverages(points, request.intervalMs, request.maxDataPoints),
        };
      }
      default:
        throw new InvalidInputError(GRAFANA_MESSAGES.unknownMetric(name));
    }
  }

  private async errorGroups(
    projectId: number,
    range: AnalyticsRange,
    payload: Record<string, unknown>,
  ): Promise<GrafanaTable> {
    const filters = {
      ...NO_FILTERS,
      severity: text(payload.severity),
      status: text(payload.status),
    };
    const { errors } = await this.errors.errors(projectId, range, filters, LIMITS.errors.max);
    return grafanaTable(
      [
        ['id', 'number'],
        ['error_type', 'string'],
        ['message', 'string'],
        ['severity', 'string'],
        ['status', 'string'],
        ['environment', 'string'],
        ['occurrences', 'number', 'occurrence_count'],
        ['last_seen', 'string'],
      ],
      errors,
    );
  }

  /** Clicks per day of one link, or of every link summed. */
  private async linkClicks(
    projectId: number,
    range: AnalyticsRange,
    code: string,
  ): Promise<GrafanaSeries> {
    // One query for the whole project (a link's clicks go when the link is deleted), or for one link.
    const link = code ? await this.links.findLink(projectId, code) : undefined;
    const days =
      code && !link ? [] : await this.links.clicksPerDay(projectId, range, link && int(link.id));
    const perDay = days.map((d): [string, number] => [d.day, d.clicks]);
    return this.daily(code ? `link_clicks ${code}` : 'link_clicks', range, perDay);
  }

  /** A day series with every day of the range (days without data are 0), at local midnight. */
  private daily(
    target: string,
    range: AnalyticsRange,
    points: Array<[string, number]>,
  ): GrafanaSeries {
    const values = new Map(points);
    const datapoints: Array<[number, number]> = [];
    for (let day = range.fromDate; day <= range.toDate; day = addDays(day, 1)) {
      datapoints.push([values.get(day) ?? 0, startOfLocalDay(day, range.timeZone)]);
    }
    return { target, datapoints };
  }

  /** The local days touched by `[fromMs, toMs]` as an analytics range (at most 366 dates). */
  private rangeOf(fromMs: number, toMs: number): AnalyticsRange {
    const zone = this.receiverOptions.timezone;
    return this.customRange(localDateOf(fromMs, zone), localDateOf(toMs, zone));
  }

  private customRange(from: string, to: string): AnalyticsRange {
    return parseAnalyticsRange({ range: 'custom', from, to }, this.receiverOptions.timezone);
  }
}

const NO_FILTERS = { status: '', severity: '', environment: '' };

function instant(value: unknown): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw new InvalidInputError(GRAFANA_MESSAGES.badRange);
  return ms;
}
