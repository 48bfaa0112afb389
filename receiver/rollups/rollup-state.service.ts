import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import { InjectReceiverDataSource } from '../storage/inject-receiver-data-source.decorator';
import { SqlRunner } from '../storage/sql/sql-runner';
import { RollupMessages } from './rollup.messages';
import { RollupGatesRepository, type RollupStateRow } from './rollup-gates.repository';
import { RollupRepository } from './rollup.repository';

/** The raw tables the rollups are built from (a database without rows in them needs no rebuild). */
const ROLLED_UP_TABLES = ['pageviews', 'error_events', 'link_clicks', 'audit_logs'];

/** How long a receiver trusts its last read of the state (a rebuild in another process flips it). */
const STATE_TTL_MS = 2_000;

/** Which time zone the rollups are in and whether the analytics may read them. */
@Injectable()
export class RollupStateService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Analytics');
  private readonly gates: RollupGatesRepository;
  private cached: { state: RollupStateRow; at: number } | null = null;

  constructor(
    @InjectReceiverDataSource() private readonly dataSource: DataSource,
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
  ) {
    this.gates = new RollupGatesRepository(new SqlRunner(dataSource));
  }

  /** The receiver's time zone: the one rollup days are cut in. */
  get timeZone(): string {
    return this.options.timezone;
  }

  /** Whether whole days of the analytics windows can be read from the rollups. */
  async ready(): Promise<boolean> {
    const state = await this.current();
    return state.status === 'ready' && state.timeZone === this.options.timezone;
  }

  /**
   * Whether windows of whole local days in `timeZone` can be answered from the rollups: they are
   * complete and cut in that zone (analytics windows always are whole days of the receiver's).
   */
  async serves(timeZone: string): Promise<boolean> {
    return timeZone === this.options.timezone && (await this.ready());
  }

  /**
   * Whether a write running on `sql` (an ingest batch, an erasure, a purge) maintains the rollups.
   * The state is read on `sql`, in the caller's transaction, never from the cache: a rebuild in
   * another process may have just changed it.
   */
  async maintainedIn(sql: SqlRunner): Promise<boolean> {
    const state = await new RollupGatesRepository(sql).state();
    return (
      (state.status === 'ready' || state.status === 'building') &&
      state.timeZone === this.options.timezone
    );
  }

  /** Forgets the cached state (after this process changed it). */
  invalidate(): void {
    this.cached = null;
  }

  /**
   * A database without pageviews, error events, clicks or audit entries needs no rebuild: the first receiver
   * adopts it in its time zone and the ingest keeps the rollups from the first event on. Otherwise, rollups built in
   * another zone (or never built) are left to `receiver rebuild-rollups`, and analytics answer
   * from the raw rows meanwhile — said once in the log.
   */
  async onApplicationBootstrap(): Promise<void> {
    try {
      const state = await this.gates.state();
      if (state.status === 'ready' && state.timeZone === this.options.timezone) return;
      const sql = new SqlRunner(this.dataSource);
      let empty = true;
      for (const table of ROLLED_UP_TABLES) {
        const any = await sql.rows((p) => `SELECT id FROM ${table} ORDER BY id LIMIT ${p.add(1)}`);
        if (any.length > 0) empty = false;
      }
      if (empty && state.status !== 'building') {
        await this.dataSource.transaction(async (manager) => {
          const tx = new SqlRunner(manager);
          await new RollupRepository(tx).clear();
          await new RollupGatesRepository(tx).setState({
            timeZone: this.options.timezone,
            status: 'ready',
            builtThrough: null,
          });
        });
        this.invalidate();
        return;
      }
      this.logger.warn(RollupMessages.notReady(state.timeZone, this.options.timezone));
    } catch (error) {
      // Analytics still answer from raw rows; a missing table means migrations have not run.
      this.logger.warn(RollupMessages.stateUnreadable((error as Error).message));
    }
  }

  private async current(): Promise<RollupStateRow> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < STATE_TTL_MS) return this.cached.state;
    const state = await this.gates.state();
    this.cached = { state, at: now };
    return state;
  }
}
