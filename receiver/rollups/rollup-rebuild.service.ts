import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { InjectReceiverDataSource } from '../storage/inject-receiver-data-source.decorator';
import { SqlRunner } from '../storage/sql/sql-runner';
import { instantOf, int } from '../storage/sql/sql-values';
import { addDays, daysBetween, localDateOf } from '../common/time/zoned-time.util';
import { RollupMaintenance } from './rollup-maintenance.service';
import { RollupRepository } from './rollup.repository';
import { RollupStateService } from './rollup-state.service';

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
    const state = await new RollupRepository(sql).state();
    // The oldest day holding a pageview, a session's start or a visitor's first visit (an
    // import may bring visitors and sessions older than their remaining pageviews).
    const firsts = await Promise.all(
      [
        ['pageviews', 'created_at'],
        ['sessions', 'started_at'],
        ['visitors', 'first_seen'],
      ].map(([table, column]) =>
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
      const repository = new RollupRepository(new SqlRunner(manager));
      const state = await repository.state();
      if (state.timeZone !== zone) await repository.clear();
      if (!plan.resume)
        await repository.setState({ timeZone: zone, status: 'building', builtThrough: null });
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
      for (let day = plan.from; day <= localDateOf(Date.now(), zone); day = addDays(day, 1)) {
        await this.dataSource.transaction(async (manager) => {
          for (const projectId of projects) {
            pageviews += await this.maintenance.recomputeDay(manager, day, projectId);
          }
          await new RollupRepository(new SqlRunner(manager)).setState({
            timeZone: zone,
            status: 'building',
            builtThrough: day,
          });
        });
        days++;
        onProgress?.({
          day,
          done: days,
          total: daysBetween(plan.from, localDateOf(Date.now(), zone)) + 1,
          pageviews,
        });
      }
    }
    await new RollupRepository(new SqlRunner(this.dataSource)).setState({
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
}
