import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { InjectReceiverDataSource } from '../storage/inject-receiver-data-source.decorator';
import { SqlRunner } from '../storage/sql/sql-runner';
import { instantOf, int } from '../storage/sql/sql-values';
import { addDays, daysBetween, localDateOf, startOfLocalDay } from '../common/time/zoned-time.util';
import { RollupMaintenance } from './rollup-maintenance.service';
import { RollupGatesRepository } from './rollup-gates.repository';
import { RollupRepository } from './rollup.repository';
import { ROLLUP_TABLE } from './rollup.tables';
import { RollupStateService } from './rollup-state.service';
import { recomputedGates } from './rollup-weeks';
import { retryLockConflicts } from '../storage/storage-fault';

/** Progress of a rebuild, after each day. */
export interface RollupRebuildProgress {
  /** The local day just written. */
  day: string;
  done: number;
  total: number;
  pageviews: number;
}

/** What a rebuild did. */
export interface RollupRebuildReport {
  timeZone: string;
  /** First day rebuilt by this run (`null`: nothing to do). */
  from: string | null;
  days: number;
  pageviews: number;
  /** Whether it continued an interrupted rebuild. */
  resumed: boolean;
  durationMs: number;
}

/**
 * Builds the rollups from the raw rows, one local day per transaction (oldest first), recording
 * after each day how far it got: an interrupted rebuild resumes after the last finished day. A
 * rebuild in another time zone than the stored rollups first clears them. Analytics answer from
 * the raw rows until the last day is written; the ingest keeps the rollups current meanwhile (a
 * day rebuilt later is replaced whole, so its pageviews are not counted twice).
 */
@Injectable()
export class RollupRebuildService {
  constructor(
    @InjectReceiverDataSource() private readonly dataSource: DataSource,
    private readonly state: RollupStateService,
    private readonly maintenance: RollupMaintenance,
  ) {}

  /** The time zone rollup days are cut in (the receiver's). */
  get timeZone(): string {
    return this.state.timeZone;
  }

  /** The days a rebuild would write, oldest first (`[]` without pageviews). */
  async plan(): Promise<{ from: string | null; to: string; resume: boolean }> {
    const zone = this.state.timeZone;
    const sql = new SqlRunner(this.dataSource);
    const state = await new RollupGatesRepository(sql).state();
    // The oldest day holding a pageview, a session's start, a visitor's first visit, an error, a
    // click or an audit entry (an import may bring visitors and sessions older than their
    // remaining pageviews).
    const firsts = await Promise.all(
      DATA_COLUMNS.map(([table, column]) =>
        sql.row<{ first: unknown }>(() => `SELECT MIN(${column}) AS first FROM ${table}`),
      ),
    );
    const instants = firsts
      .map((row) => row?.first)
      .filter((value) => value !== null && value !== undefined)
      .map((value) => instantOf(value).getTime());
    const to = localDateOf(Date.now(), zone);
    if (instants.length === 0) return { from: null, to, resume: false };
    const firstDay = localDateOf(Math.min(...instants), zone);
    const resume = state.status === 'building' && state.timeZone === zone && !!state.builtThrough;
    const from = resume ? addDays(state.builtThrough as string, 1) : firstDay;
    return { from: from < firstDay ? firstDay : from, to, resume };
  }

  async rebuild(
    onProgress?: (progress: RollupRebuildProgress) => void,
  ): Promise<RollupRebuildReport> {
    const started = Date.now();
    const zone = this.state.timeZone;
    const plan = await this.plan();
    await this.dataSource.transaction(async (manager) => {
      const sql = new SqlRunner(manager);
      const gates = new RollupGatesRepository(sql);
      const state = await gates.state();
      // A fresh rebuild starts from nothing (analytics read raw rows until it ends), so the days
      // it skips for having no data keep no stale rows; a resumed one keeps what it wrote.
      if (state.timeZone !== zone || !plan.resume) await new RollupRepository(sql).clear();
      if (!plan.resume)
        await gates.setState({ timeZone: zone, status: 'building', builtThrough: null });
    });
    this.state.invalidate();
    let days = 0;
    let pageviews = 0;
    const projects = (
      await new SqlRunner(this.dataSource).rows<{ id: unknown }>(
        () => `SELECT id FROM projects ORDER BY id`,
      )
    ).map((row) => int(row.id));
    if (plan.from !== null) {
      // "Today" moves while a long rebuild runs: the last day is read again after each day.
      // Days without a pageview, session start, first visit, error, click or audit are skipped.
      const sql = new SqlRunner(this.dataSource);
      for (
        let day = await this.nextDataDay(sql, projects, plan.from);
        day !== null && day <= localDateOf(Date.now(), zone);
        day = await this.nextDataDay(sql, projects, addDays(day, 1))
      ) {
        pageviews += await this.rebuildDay(day, projects);
        days++;
        onProgress?.({
          day,
          done: daysBetween(plan.from, day) + 1,
          total: daysBetween(plan.from, localDateOf(Date.now(), zone)) + 1,
          pageviews,
        });
      }
    }
    const sql = new SqlRunner(this.dataSource);
    // The reads are planned from the table's statistics: refreshed now, not at autovacuum's pace.
    const refresh = sql.dialect.refreshStatistics(ROLLUP_TABLE);
    if (refresh) await sql.run(() => refresh);
    await new RollupGatesRepository(sql).setState({
      timeZone: zone,
      status: 'ready',
      builtThrough: plan.from === null ? null : localDateOf(Date.now(), zone),
    });
    this.state.invalidate();
    return {
      timeZone: zone,
      from: plan.from,
      days,
      pageviews,
      resumed: plan.resume,
      durationMs: Date.now() - started,
    };
  }

  /**
   * Rebuilds one local day of every project in one transaction and records it as built; returns
   * the pageviews read. It enters the gates of the day's week first (`RollupGatesRepository.enterDays`):
   * an ingest batch writing into that week meanwhile waits for it, or is waited for. A deadlock
   * the engine broke (a batch entering a second kind's days out of order) runs the day again.
   */
  private async rebuildDay(day: string, projects: number[]): Promise<number> {
    return retryLockConflicts(() =>
      this.dataSource.transaction(async (manager) => {
        const gates = new RollupGatesRepository(new SqlRunner(manager));
        await gates.enterDays(recomputedGates(projects, [day]), true);
        let pageviews = 0;
        for (const projectId of projects) {
          pageviews += await this.maintenance.recomputeDay(manager, day, projectId);
        }
        await gates.setState({
          timeZone: this.state.timeZone,
          status: 'building',
          builtThrough: day,
        });
        return pageviews;
      }),
    );
  }

  /**
   * The first local day from `day` on holding a pageview, a session start, a first visit, an
   * error, a click or an audit entry of any project (`null`: none left); one index seek per
   * project and table.
   */
  private async nextDataDay(
    sql: SqlRunner,
    projects: number[],
    day: string,
  ): Promise<string | null> {
    const zone = this.state.timeZone;
    const from = startOfLocalDay(day, zone);
    let next = Infinity;
    for (const projectId of projects) {
      for (const [table, column] of DATA_COLUMNS) {
        const row = await sql.row<{ first: unknown }>(
          (p) =>
            `SELECT MIN(${column}) AS first FROM ${table} WHERE project_id = ${p.add(projectId)} ` +
            `AND ${column} >= ${p.instant(from)}`,
        );
        if (row?.first !== null && row?.first !== undefined)
          next = Math.min(next, instantOf(row.first).getTime());
      }
    }
    if (next === Infinity) return null;
    const found = localDateOf(next, zone);
    return found < day ? day : found;
  }
}

/** The tables and instants that put a day into the rollups. */
const DATA_COLUMNS = [
  ['pageviews', 'created_at'],
  ['sessions', 'started_at'],
  ['visitors', 'first_seen'],
  ['error_events', 'created_at'],
  ['link_clicks', 'created_at'],
  ['audit_logs', 'created_at'],
] as const;
