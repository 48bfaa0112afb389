import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { ResolvedReceiverOptions, RetentionKind } from '../config/receiver-options.interface';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import type { IngestBatchContext } from '../ingest/interfaces/ingest.interfaces';
import { InjectReceiverDataSource } from '../storage/inject-receiver-data-source.decorator';
import { SqlRunner } from '../storage/sql/sql-runner';
import { addDays, localDateOf, startOfLocalDay } from '../common/time/zoned-time.util';
import { PageviewFactsReader, type PageviewRowLike } from './pageview-facts.reader';
import { LocalDayOf, RollupBatch, type RollupDelta, sortRows } from './rollup-batch';
import { RollupGatesRepository } from './rollup-gates.repository';
import { RollupReader } from './rollup.reader';
import { RollupRepository } from './rollup.repository';
import { RollupStateService } from './rollup-state.service';
import { linkDays } from './link-days';
import {
  recomputedGates,
  weekDeltas,
  weekDimension,
  weekOf,
  WEEKLY_DIMENSIONS,
} from './rollup-weeks';
import { decodeMembers } from './member-list';
import { firstSeenDeltas, firstSeenRows, readFirstSeen } from './first-seen.facts';
import { ERROR_EVENTS } from './error-day.facts';
import { AUDIT_ENTRIES } from './audit-day.facts';
import { countedDayRows, dayCounts, readCounted, type CountedKind } from './counted-events';
import {
  clickDayRows,
  clickDeltas,
  LINK,
  linkDimensions,
  linkKey,
  readClickFacts,
  type ClickFact,
} from './link-click.facts';
import {
  clickerIdsByEvent,
  forgetClicker,
  forgetLinkClickers,
  forgetUnclicked,
} from './link-clickers';
import {
  readSessionStates,
  sessionDayRows,
  sessionDeltas,
  type SessionState,
} from './session-day.facts';

/** An error event row as the ingest inserts it (the columns the rollups need). */
export type ErrorRowLike = {
  project_id: number;
  group_id: number;
  occurrences: number;
  created_at: Date;
};

/** A link click row as the ingest inserts it (the columns the rollups need). */
export interface ClickRowLike {
  project_id: number;
  link_id: number;
  event_id: string;
  referrer_category: string;
  device_id: number | null;
  location_id: number | null;
  created_at: Date;
}

/** An audit entry as the ingest inserts it (the columns the rollups need). */
export type AuditRowLike = { project_id: number; action: string; created_at: Date };

/** The retention kinds the rollups hold (see `afterPurge`). */
export type PurgedKind = Extract<RetentionKind, 'pageviews' | 'errors' | 'clicks' | 'audit'>;

export const isRolledUp = (kind: RetentionKind): kind is PurgedKind =>
  kind === 'pageviews' || kind === 'errors' || kind === 'clicks' || kind === 'audit';

/** Bounds of every stored day (the lock rows' day, `0000-00-00`, sorts first but is another dimension). */
const FIRST_DAY = '0000-01-01';
const LAST_DAY = '9999-12-31';
/** Dimensions per `DELETE … IN (…)`. */
const DIMENSION_CHUNK = 300;

/** What one pageview batch wrote, as the rollups need it (see `recordBatch`). */
export interface IngestedPageviews {
  /** The pageview rows it inserted (all new: redelivered events were dropped before). */
  pageviews: PageviewRowLike[];
  /** Its visitors with their stored `first_seen` (ms). */
  visitors: ReadonlyArray<{ id: number; projectId: number; firstSeen: number }>;
  /** The sessions it wrote, locked until its commit. */
  sessionIds: number[];
  /** Their state before the batch, for those it did not create. */
  sessionsBefore: ReadonlyMap<number, SessionState>;
}

/**
 * Keeps the rollups equal to the raw rows: the ingest batch adds its pageviews, error events,
 * link clicks and audit entries in its own transaction, an erasure takes a visitor (their error
 * events, the clicks of their address) or an actor (their audit entries) out, deleting a link drops its rows, the retention purge drops (or keeps,
 * when `keepRollups` says so) the days it emptied. Project deletion needs nothing here: the
 * rows go with the project (foreign key, `ON DELETE CASCADE`).
 */
@Injectable()
export class RollupMaintenance {
  private readonly facts = new PageviewFactsReader();
  /** The ingest's last local day and its bounds, kept from batch to batch (one per time zone). */
  private ingestDays: LocalDayOf | undefined;
  private ingestZone: string | undefined;

  constructor(
    private readonly state: RollupStateService,
    @InjectReceiverDataSource() private readonly dataSource: DataSource,
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
  ) {}

  /**
   * Adds what one pageview batch wrote: its pageviews, the visitors it saw first, and what it
   * changed in its sessions. Call it last in the batch's transaction: it locks the rollup rows
   * every batch of the day shares (the total, the session sums), so they stay locked only from
   * here to the commit and concurrent batches wait for each other as briefly as possible.
   */
  async recordBatch(batch: IngestedPageviews, context: IngestBatchContext): Promise<void> {
    const { pageviews: rows, sessionIds } = batch;
    if (rows.length === 0 && sessionIds.length === 0) return;
    const sql = new SqlRunner(context.manager);
    if (!(await this.state.maintainedIn(sql))) return;
    const zone = this.state.timeZone;
    const deltas: RollupDelta[] = [];
    if (rows.length > 0) {
      const facts = await this.facts.ofRows(sql, rows, (task) => context.afterCommit(task));
      if (zone !== this.ingestZone) {
        this.ingestDays = new LocalDayOf(zone);
        this.ingestZone = zone;
      }
      const pageviews = new RollupBatch(zone, this.ingestDays);
      for (const fact of facts) pageviews.add(fact);
      const days = pageviews.rows;
      deltas.push(...days, ...weekDeltas(days));
      // Visitors first seen with this batch join their first day's set (a union: a visitor
      // created by a concurrent batch and counted here again is not counted twice). 1 s of
      // slack: MariaDB stores whole seconds.
      const earliest = Math.min(...rows.map((row) => row.created_at.getTime())) - 1000;
      const viewers = new Set(rows.map((row) => Number(row.visitor_id)));
      const created = batch.visitors.filter((v) => viewers.has(v.id) && v.firstSeen >= earliest);
      deltas.push(...firstSeenDeltas(created, zone));
    }
    if (sessionIds.length > 0) {
      // Locked by the batch since it wrote them: the state after its writes.
      const after = await readSessionStates(
        sql,
        (p) => `id IN (${p.list([...new Set(sessionIds)])})`,
        true,
      );
      deltas.push(...sessionDeltas(batch.sessionsBefore, after, zone));
    }
    await new RollupRepository(sql).merge(sortRows(deltas));
  }

  /** Adds error events the batch inserted (call inside the batch's transaction, after the insert). */
  recordErrors(rows: readonly ErrorRowLike[], context: IngestBatchContext): Promise<void> {
    return this.recordCounted(ERROR_EVENTS, rows, context);
  }

  /** Adds audit entries the batch inserted (call inside the batch's transaction, after the insert). */
  recordAudits(rows: readonly AuditRowLike[], context: IngestBatchContext): Promise<void> {
    return this.recordCounted(AUDIT_ENTRIES, rows, context);
  }

  private async recordCounted(
    kind: CountedKind,
    rows: ReadonlyArray<Record<string, unknown>>,
    context: IngestBatchContext,
  ): Promise<void> {
    if (rows.length === 0) return;
    const sql = new SqlRunner(context.manager);
    if (!(await this.state.maintainedIn(sql))) return;
    await new RollupRepository(sql).merge(sortRows(dayCounts(kind, rows, this.state.timeZone)));
  }

  /** Adds link clicks the batch inserted (call inside the batch's transaction, after the insert). */
  async recordClicks(rows: readonly ClickRowLike[], context: IngestBatchContext): Promise<void> {
    if (rows.length === 0) return;
    const sql = new SqlRunner(context.manager);
    if (!(await this.state.maintainedIn(sql))) return;
    const labels = await this.facts.labelsOf(sql, rows, (task) => context.afterCommit(task));
    const clickers = await clickerIdsByEvent(
      sql,
      rows.map((row) => row.event_id),
    );
    const facts = rows.map((row): ClickFact => {
      const place = row.location_id === null ? null : labels.place(row.location_id);
      const device = row.device_id === null ? null : labels.device(row.device_id);
      return {
        projectId: row.project_id,
        linkId: row.link_id,
        clickerId: clickers.get(row.event_id) as number,
        referrerCategory: row.referrer_category,
        deviceType: device ? device.type : null,
        location: place ? { country: place.country, countryCode: place.countryCode } : null,
        createdAt: row.created_at.getTime(),
      };
    });
    await new RollupRepository(sql).merge(sortRows(clickDeltas(facts, this.state.timeZone)));
  }

  /**
   * Takes error events out of the rollups (an erasure). Call in its transaction BEFORE the events
   * are deleted: it reads them to know what to subtract.
   */
  async forgetErrorEvents(manager: EntityManager, eventIds: number[]): Promise<void> {
    const sql = new SqlRunner(manager);
    if (eventIds.length === 0 || !(await this.state.maintainedIn(sql))) return;
    const events = [];
    for (let i = 0; i < eventIds.length; i += DIMENSION_CHUNK) {
      const ids = eventIds.slice(i, i + DIMENSION_CHUNK);
      events.push(...(await readCounted(sql, ERROR_EVENTS, (p) => `id IN (${p.list(ids)})`)));
    }
    await new RollupRepository(sql).subtract(
      sortRows(dayCounts(ERROR_EVENTS, events, this.state.timeZone)),
    );
  }

  /**
   * Takes one actor's audit entries out of a project's rollups (an erasure). Call in its
   * transaction BEFORE the entries are deleted: it reads them to know what to subtract.
   */
  async forgetAudits(manager: EntityManager, projectId: number, actor: string): Promise<void> {
    const sql = new SqlRunner(manager);
    if (!(await this.state.maintainedIn(sql))) return;
    const entries = await readCounted(
      sql,
      AUDIT_ENTRIES,
      (p) => `project_id = ${p.add(projectId)} AND actor = ${p.add(actor)}`,
    );
    await new RollupRepository(sql).subtract(
      sortRows(dayCounts(AUDIT_ENTRIES, entries, this.state.timeZone)),
    );
  }

  /**
   * Takes every click of one address out of a project's rollups (an erasure; exact, since all of
   * the address's clicks go, so it leaves every set it was in). Call BEFORE the clicks are deleted.
   */
  async forgetClicks(manager: EntityManager, projectId: number, ipHash: string): Promise<void> {
    const sql = new SqlRunner(manager);
    if (await this.state.maintainedIn(sql)) {
      const facts = await readClickFacts(
        sql,
        (p) => `c.project_id = ${p.add(projectId)} AND c.ip_hash = ${p.add(ipHash)}`,
        false,
      );
      await new RollupRepository(sql).subtract(sortRows(clickDeltas(facts, this.state.timeZone)));
    }
    // Erased whatever the rollups' state: the address leaves the clickers too.
    await forgetClicker(sql, projectId, ipHash);
  }

  /**
   * Drops a deleted link's rows (call first in the transaction deleting it, before its clicks).
   * It enters the gates of the link's days shared, as the other deltas do. Without them, a
   * recomputation of one of those days (rebuild, purge, import) running meanwhile writes the
   * link's rows back: one that read the clicks before this commit, or one whose rows, not yet
   * committed, the deletes below do not see. Now it has either committed before (its rows are
   * deleted here) or waits for this commit and reads no click of the link.
   */
  async forgetLink(manager: EntityManager, projectId: number, linkId: number): Promise<void> {
    const sql = new SqlRunner(manager);
    const repository = new RollupRepository(sql);
    const days = await linkDays(sql, repository, projectId, linkId, this.state.timeZone);
    await new RollupGatesRepository(sql).enterDays(
      days.map((day) => ({ projectId, day })),
      false,
    );
    const [link, ...breakdowns] = linkDimensions(linkId);
    await repository.deleteRows(projectId, [link], FIRST_DAY, LAST_DAY, linkKey(linkId));
    await repository.deleteRows(projectId, breakdowns, FIRST_DAY, LAST_DAY);
    await forgetLinkClickers(sql, linkId);
  }

  /**
   * Takes one visitor's pageviews out of the rollups (the erasure hook). Call it in the erasure's
   * transaction BEFORE the visitor's pageviews are deleted: it reads them to know what to subtract.
   * Returns the number of rollup rows corrected.
   */
  async forgetVisitor(
    manager: EntityManager,
    projectId: number,
    visitorId: number,
  ): Promise<number> {
    const sql = new SqlRunner(manager);
    if (!(await this.state.maintainedIn(sql))) return 0;
    const facts = await this.facts.stored(sql, projectId, 0, Date.UTC(9999, 0), visitorId);
    const batch = new RollupBatch(this.state.timeZone);
    for (const fact of facts) batch.add(fact);
    const visitor = await readFirstSeen(sql, (p) => `id = ${p.add(visitorId)}`);
    const days = batch.rows;
    const rows = sortRows([
      ...days,
      ...weekDeltas(days),
      ...firstSeenDeltas(visitor, this.state.timeZone),
    ]);
    // The visitor's sessions leave the per-day session sums (after minus before: nothing after).
    const sessions = await readSessionStates(
      sql,
      (p) => `project_id = ${p.add(projectId)} AND visitor_id = ${p.add(visitorId)}`,
      true,
    );
    const removed = sortRows(sessionDeltas(sessions, new Map(), this.state.timeZone));
    // Both writes' days at once, in order: entered one write after the other, a recomputation
    // holding a later day could wait for this transaction while it waits for an earlier one.
    await new RollupGatesRepository(sql).enterDays([...rows, ...removed], false);
    const repository = new RollupRepository(sql);
    await repository.subtract(rows);
    await repository.merge(removed);
    return rows.length + removed.length;
  }

  /**
   * After the purge deleted a project's rows of one kind older than `cutoff`: the days wholly
   * before it lose their rollups, and the day it falls in is recomputed from the rows left —
   * unless the receiver keeps rollups beyond the raw retention (`keepRollups`).
   */
  async afterPurge(projectId: number, kind: PurgedKind, cutoff: number): Promise<void> {
    if (this.options.keepRollups) return;
    const zone = this.state.timeZone;
    const cutoffDay = localDateOf(cutoff, zone);
    // Listed before the transaction: it enters the days' gates before its first read.
    const days = await new RollupRepository(new SqlRunner(this.dataSource)).daysThrough(
      projectId,
      cutoffDay,
    );
    await this.dataSource.transaction(async (manager) => {
      const sql = new SqlRunner(manager);
      const gates = new RollupGatesRepository(sql);
      await gates.enterDays(recomputedGates([projectId], [...days, cutoffDay]), true);
      if (!(await this.state.maintainedIn(sql))) {
        // No served rollups name these clickers: a rebuild enrols the clicks left again.
        if (kind === 'clicks') await forgetUnclicked(sql, projectId);
        return;
      }
      if (kind === 'pageviews') {
        // Every day up to the cutoff's is recomputed from the rows the purge left: pageviews are
        // gone before it, but sessions and visitors with later activity stay (and count).
        for (const day of days) await this.recomputeDay(manager, day, projectId);
        return;
      }
      // Events have no later state: drop their days through the cutoff's, rewrite that one.
      const counted = kind === 'audit' ? AUDIT_ENTRIES : ERROR_EVENTS;
      let dimensions = [counted.dimension];
      if (kind === 'clicks') {
        const window = { projectId, dimension: LINK, fromDay: FIRST_DAY, toDay: cutoffDay };
        const links = await new RollupReader(sql).firstLabels(window);
        dimensions = [LINK, ...links.flatMap((id) => linkDimensions(Number(id)).slice(1))];
      }
      const repository = new RollupRepository(sql);
      for (let i = 0; i < dimensions.length; i += DIMENSION_CHUNK) {
        const chunk = dimensions.slice(i, i + DIMENSION_CHUNK);
        await repository.deleteRows(projectId, chunk, FIRST_DAY, cutoffDay);
      }
      const start = startOfLocalDay(cutoffDay, zone);
      const end = startOfLocalDay(addDays(cutoffDay, 1), zone);
      const rows =
        kind === 'clicks'
          ? await clickDayRows(sql, projectId, start, end, zone)
          : await countedDayRows(counted, sql, projectId, start, end, zone);
      await repository.replace(sortRows(rows));
      // After the rows: the clickers still in them are the ones with clicks left.
      if (kind === 'clicks') await forgetUnclicked(sql, projectId);
    });
  }

  /**
   * Recomputes one local day of one project from its raw pageviews (replaces its rows), then its
   * week's rows from the day rows. Returns the pageviews read. The transaction must have entered
   * the gates of the day's week alone before its first read (`recomputedGates`): else an ingest
   * batch storing into one of those days meanwhile is lost or counted twice.
   */
  async recomputeDay(manager: EntityManager, day: string, projectId: number): Promise<number> {
    const sql = new SqlRunner(manager);
    const repository = new RollupRepository(sql);
    const zone = this.state.timeZone;
    const start = startOfLocalDay(day, zone);
    const end = startOfLocalDay(addDays(day, 1), zone);
    const batch = new RollupBatch(zone);
    const pageviews = await this.facts.scanDay(sql, projectId, start, end, (fact) =>
      batch.add(fact),
    );
    await repository.deleteDay(day, projectId);
    await repository.replace(
      sortRows([
        ...batch.sorted(),
        ...(await sessionDayRows(sql, projectId, day, start, end)),
        ...(await firstSeenRows(sql, projectId, start, end, zone)),
        ...(await countedDayRows(ERROR_EVENTS, sql, projectId, start, end, zone)),
        ...(await clickDayRows(sql, projectId, start, end, zone)),
        ...(await countedDayRows(AUDIT_ENTRIES, sql, projectId, start, end, zone)),
      ]),
    );
    await deriveWeek(sql, repository, projectId, day);
    return pageviews;
  }
}

/**
 * Writes a project's week rows of the week holding `day` anew from its day rows (after a day of
 * it was recomputed from the raw rows): a week without day rows keeps no week rows.
 */
async function deriveWeek(
  sql: SqlRunner,
  repository: RollupRepository,
  projectId: number,
  day: string,
): Promise<void> {
  const monday = weekOf(day);
  const sunday = addDays(monday, 6);
  const rows: RollupDelta[] = [];
  const reader = new RollupReader(sql);
  for (const dimension of WEEKLY_DIMENSIONS) {
    const stored = await reader.rows({ projectId, dimension, fromDay: monday, toDay: sunday });
    const days = stored.map((row): RollupDelta => ({
      projectId,
      day: row.day,
      dimension,
      valueKey: row.valueKey,
      labels: row.labels,
      pageviews: row.pageviews,
      members: row.members ? new Set(decodeMembers(row.members)) : null,
    }));
    rows.push(...weekDeltas(days));
  }
  await repository.deleteRows(projectId, WEEKLY_DIMENSIONS.map(weekDimension), monday, monday);
  await repository.replace(rows);
}
