import { Injectable } from '@nestjs/common';
import type { AnalyticsRange } from '../range/analytics-range.interface';
import { AnalyticsSql } from '../sql/analytics-sql.service';
import type { SqlParams } from '../../storage/sql/sql-params';
import { int, intOrNull, json, text } from '../../storage/sql/sql-values';
import { localTimestamp } from '../../common/time/receiver-time';
import { isRowId } from '../../common/input/php-input';

type Row = Record<string, unknown>;

/** The optional filters of `errors` (invalid values were already turned into `''`). */
export interface ErrorFilters {
  status: string;
  severity: string;
  environment: string;
}

/** `top_groups` of errors-trend and `events` of error-detail (contract 2.5.10, 2.5.11). */
export const TOP_GROUPS = 5;
const DETAIL_EVENTS = 100;

const GROUP_COLUMNS =
  'g.id, g.error_type, g.message, g.file, g.line, g.severity, g.environment, g.status, ' +
  'g.occurrence_count, g.first_seen, g.last_seen';

/**
 * Occurrences of the events of `alias`: each row counts what it stands for (a client's coalesced
 * burst is one row with its count), as the groups' `occurrence_count` does.
 */
const OCCURRENCES = (alias: string) => `COALESCE(SUM(${alias}.occurrences), 0) AS occurrences`;

/** A `top_groups` entry of errors-trend: the group's row (as it is now) and its occurrences. */
export const topGroup = (g: Row, occurrences: number) => ({
  id: int(g.id),
  error_type: text(g.error_type),
  message: text(g.message),
  severity: text(g.severity),
  status: text(g.status),
  occurrences,
});

/** The group columns of a `top_groups` entry. */
export const TOP_GROUP_COLUMNS = 'g.id, g.error_type, g.message, g.severity, g.status';

/** errors, errors-trend and error-detail (contract 2.5.9–2.5.11), from the raw rows. */
@Injectable()
export class ErrorQueries {
  constructor(private readonly sql: AnalyticsSql) {}

  async errors(projectId: number, range: AnalyticsRange, filters: ErrorFilters, limit: number) {
    const [summary, groups] = await Promise.all([
      this.sql.row(
        (p) => `SELECT COUNT(*) AS total,
          SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END) AS open,
          SUM(CASE WHEN status = 'investigating' THEN 1 ELSE 0 END) AS investigating,
          SUM(CASE WHEN status = 'resolved' THEN 1 ELSE 0 END) AS resolved,
          SUM(CASE WHEN status = 'ignored' THEN 1 ELSE 0 END) AS ignored,
          SUM(CASE WHEN severity = 'critical' THEN 1 ELSE 0 END) AS critical,
          SUM(CASE WHEN severity = 'error' THEN 1 ELSE 0 END) AS error
        FROM error_groups WHERE project_id = ${p.add(projectId)} AND ${this.sql.within('last_seen', range, p)}`,
      ),
      this.sql.rows((p) => {
        const conditions = [
          `g.project_id = ${p.add(projectId)}`,
          this.sql.within('g.last_seen', range, p),
        ];
        for (const column of ['status', 'severity', 'environment'] as const) {
          if (filters[column]) conditions.push(`g.${column} = ${p.add(filters[column])}`);
        }
        return `SELECT ${GROUP_COLUMNS} FROM error_groups g WHERE ${conditions.join(' AND ')}
          ORDER BY g.last_seen DESC, g.id DESC LIMIT ${p.add(limit)}`;
      }),
    ]);
    const errors = groups.map((g) => this.group(g, range.timeZone));
    return {
      summary: {
        total: int(summary.total),
        open: int(summary.open),
        investigating: int(summary.investigating),
        resolved: int(summary.resolved),
        ignored: int(summary.ignored),
        critical: int(summary.critical),
        error: int(summary.error),
      },
      count: errors.length,
      errors,
    };
  }

  async trend(projectId: number, range: AnalyticsRange, groupId: number | null) {
    const where = (p: SqlParams) =>
      `e.project_id = ${p.add(projectId)} AND ${this.sql.within('e.created_at', range, p)}` +
      (groupId ? ` AND e.group_id = ${p.add(groupId)}` : '');
    const [totals, top, days] = await Promise.all([
      this.sql.row(
        (p) => `SELECT ${OCCURRENCES('e')}, COUNT(DISTINCT e.group_id) AS groups_seen
        FROM error_events e WHERE ${where(p)}`,
      ),
      this.sql.rows(
        (p) => `SELECT ${TOP_GROUP_COLUMNS}, ${OCCURRENCES('e')}
        FROM error_events e JOIN error_groups g ON g.id = e.group_id WHERE ${where(p)}
        GROUP BY g.id, g.error_type, g.message, g.severity, g.status
        ORDER BY occurrences DESC, g.id LIMIT ${TOP_GROUPS}`,
      ),
      this.sql.perDay(
        range,
        (p, within) => `${OCCURRENCES('e')}, COUNT(DISTINCT e.group_id) AS groups_seen
          FROM error_events e WHERE e.project_id = ${p.add(projectId)}
            AND ${within('e.created_at')}
            ${groupId ? `AND e.group_id = ${p.add(groupId)}` : ''}`,
        (row) => int(row.occurrences) > 0,
      ),
    ]);
    return {
      group_id: groupId,
      total_occurrences: int(totals.occurrences),
      total_groups: int(totals.groups_seen),
      top_groups: top.map((g) => topGroup(g, int(g.occurrences))),
      over_time: days.map((d) => ({
        date: String(d.day),
        occurrences: int(d.occurrences),
        unique_groups: int(d.groups_seen),
      })),
    };
  }

  /** The group row of `groupId` when it belongs to the project. */
  async findGroup(projectId: number, groupId: number): Promise<Row | undefined> {
    // `?id=2147483648` names no row: PostgreSQL would refuse the parameter (a 400), not miss it.
    if (!isRowId(groupId)) return undefined;
    const rows = await this.sql.rows(
      (p) => `SELECT ${GROUP_COLUMNS} FROM error_groups g
      WHERE g.id = ${p.add(groupId)} AND g.project_id = ${p.add(projectId)}`,
    );
    return rows[0];
  }

  async detail(group: Row, range: AnalyticsRange) {
    return this.detailWith(group, range, this.detailDays(int(group.id), range));
  }

  /** The days of error-detail's `over_time`: the group's occurrences per day with any. */
  async detailDays(groupId: number, range: AnalyticsRange) {
    const days = await this.sql.perDay(
      range,
      (p, within) => `${OCCURRENCES('error_events')} FROM error_events
        WHERE group_id = ${p.add(groupId)} AND ${within('created_at')}`,
      (row) => int(row.occurrences) > 0,
    );
    return days.map((d) => ({ date: String(d.day), occurrences: int(d.occurrences) }));
  }

  /**
   * error-detail with its `over_time` from `days` (the raw rows' or the rollups'); the latest
   * events are an index range read of the group's newest rows either way.
   */
  async detailWith(
    group: Row,
    range: AnalyticsRange,
    days: Promise<Array<{ date: string; occurrences: number }>>,
  ) {
    const groupId = int(group.id);
    const [overTime, events] = await Promise.all([
      days,
      this.sql.rows(
        (p) => `SELECT e.id, e.stack_trace, e.url, e.environment, e.severity, e.context,
          e.created_at, e.device_id, d.device_type, d.os, d.browser,
          e.location_id, l.country, l.country_code, l.city
        FROM error_events e
          LEFT JOIN devices d ON d.id = e.device_id
          LEFT JOIN locations l ON l.id = e.location_id
        WHERE e.group_id = ${p.add(groupId)} AND ${this.sql.within('e.created_at', range, p)}
        ORDER BY e.created_at DESC, e.id DESC LIMIT ${DETAIL_EVENTS}`,
      ),
    ]);
    const hasDevice = (e: Row) => e.device_type !== null && e.device_type !== undefined;
    const hasLocation = (e: Row) => e.country_code !== null && e.country_code !== undefined;
    return {
      group: this.group(group, range.timeZone),
      over_time: overTime,
      events: events.map((e) => ({
        id: int(e.id),
        stack_trace: e.stack_trace === null ? null : text(e.stack_trace),
        url: text(e.url),
        environment: text(e.environment),
        severity: text(e.severity),
        context: json(e.context),
        created_at: localTimestamp(e.created_at, range.timeZone),
        device: {
          type: hasDevice(e) ? text(e.device_type) : null,
          os: hasDevice(e) ? text(e.os) : null,
          browser: hasDevice(e) ? text(e.browser) : null,
        },
        location: {
          country: hasLocation(e) ? text(e.country) : null,
          country_code: hasLocation(e) ? text(e.country_code) : null,
          city: hasLocation(e) ? text(e.city) : null,
        },
      })),
    };
  }

  private group(g: Row, timeZone: string) {
    const line = intOrNull(g.line);
    return {
      id: int(g.id),
      error_type: text(g.error_type),
      message: text(g.message),
      file: text(g.file),
      // The original reports a stored 0 as null.
      line: line === 0 ? null : line,
      severity: text(g.severity),
      environment: text(g.environment),
      status: text(g.status),
      occurrence_count: int(g.occurrence_count),
      first_seen: localTimestamp(g.first_seen, timeZone),
      last_seen: localTimestamp(g.last_seen, timeZone),
    };
  }
}
