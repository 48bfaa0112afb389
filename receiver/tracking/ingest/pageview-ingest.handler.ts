import { Injectable, OnModuleInit } from '@nestjs/common';
import {
  IngestBatchContext,
  IngestEvent,
  IngestHandler,
  IngestHandlerRegistry,
} from '../../ingest';
import { PageviewEntity, SessionEntity } from '../../storage/entities';
import type { PageviewJob } from '../interfaces/tracking-jobs.interface';
import { PAGEVIEW_DEDUP_WINDOW_MS, PAGEVIEW_JOB } from '../tracking.constants';
import { SqlRunner } from '../../storage/sql/sql-runner';
import { instantOf } from '../../storage/sql/sql-values';
import { RollupMaintenance } from '../../rollups/rollup-maintenance.service';
import { CommittedEventsBus } from '../../events/committed-events.bus';
import type { CommittedPageview } from '../../events/committed-event.interface';
import { CookielessSessions } from './cookieless-sessions';
import { DimensionResolver, unique } from './dimension.resolver';
import { TrackingIdCache } from './tracking-id.cache';
import type { PageviewRowLike } from '../../rollups/pageview-facts.reader';
import {
  sessionKey,
  visitorKey,
  VisitorSessionWriter,
  type WrittenSessions,
} from './visitor-session.writer';

/**
 * Writes a batch of pageviews (contract 3.1–3.3): visitor upsert, session upsert (keyed by
 * project + token), 5-minute dedup measured from each event's arrival, device and location rows,
 * one multi-row pageview insert, the bounce flag of sessions that now have two pageviews, and
 * last the analytics rollups of all that (the rows every batch shares are locked last).
 */
@Injectable()
export class PageviewIngestHandler implements IngestHandler<PageviewJob>, OnModuleInit {
  readonly kind = PAGEVIEW_JOB;
  readonly eventEntity = PageviewEntity;

  constructor(
    private readonly registry: IngestHandlerRegistry,
    private readonly cache: TrackingIdCache,
    private readonly dimensions: DimensionResolver,
    private readonly people: VisitorSessionWriter,
    private readonly cookieless: CookielessSessions,
    private readonly rollups: RollupMaintenance,
    private readonly events: CommittedEventsBus,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async handle(jobs: IngestEvent<PageviewJob>[], context: IngestBatchContext): Promise<void> {
    const visitors = await this.people.upsertVisitors(jobs, context);
    await this.cookieless.assign(jobs, visitors.ids, context);
    const sessions = await this.people.upsertSessions(jobs, visitors.ids, context);
    const rows = await this.writePageviews(jobs, visitors.ids, sessions, context);
    await this.rollups.recordBatch(
      {
        pageviews: rows,
        visitors: visitors.firstSeen,
        sessionIds: [...sessions.ids.values()],
        sessionsBefore: sessions.before,
      },
      context,
    );
  }

  /** Inserts the pageviews the dedup keeps and returns their rows. */
  private async writePageviews(
    jobs: IngestEvent<PageviewJob>[],
    visitors: Map<string, number>,
    sessions: WrittenSessions,
    context: IngestBatchContext,
  ): Promise<PageviewRowLike[]> {
    const kept = await this.dropDuplicates(jobs, visitors, context);
    if (kept.length === 0) return [];
    if (this.events.active) {
      context.afterCommit(() =>
        this.events.publish(committedPageviews(kept, visitors, sessions.ids, sessions.created)),
      );
    }
    const { deviceIds, locationIds } = await this.dimensions.forEvents(kept, context);
    const rows = kept.map((job, i) => ({
      project_id: job.projectId,
      session_id: sessions.ids.get(sessionKey(job)) as number,
      visitor_id: visitors.get(visitorKey(job)) as number,
      location_id: locationIds[i],
      device_id: deviceIds[i],
      url: job.url,
      page_title: job.pageTitle,
      referrer_url: job.referrer,
      referrer_category: job.referrerCategory,
      ...job.utm,
      screen_resolution: job.screenResolution,
      timezone: job.timezone,
      created_at: new Date(job.receivedAt),
      event_id: job.eventId,
    }));
    await new SqlRunner(context.manager).insertIgnore(PageviewEntity, rows);
    await this.updateBounce(unique(rows.map((r) => r.session_id)), context);
    // Redelivered events already stored were dropped before the batch (IngestBatchProcessor), so
    // every row here is new: the rollups count it once.
    return rows;
  }

  /**
   * Drops pageviews whose visitor viewed the same URL at most 5 minutes before the event arrived
   * (contract 3.3: a stored pageview with `created_at` in [received_at − 300 s, received_at]), or
   * earlier in this batch (a kept one). Each event has its own window: a batch may hold events
   * received hours apart (a queue backlog drained later), and a view two hours after the last is
   * a new one. One query per batch reads the stored views from 5 minutes before its earliest
   * event through its latest; the batch is then walked in arrival order.
   */
  private async dropDuplicates(
    jobs: IngestEvent<PageviewJob>[],
    visitors: Map<string, number>,
    context: IngestBatchContext,
  ): Promise<IngestEvent<PageviewJob>[]> {
    const key = (visitorId: number, url: string): string => `${visitorId}|${url}`;
    const arrivals = jobs.map((j) => j.receivedAt);
    const since = Math.min(...arrivals) - PAGEVIEW_DEDUP_WINDOW_MS;
    const until = Math.max(...arrivals);
    const sql = new SqlRunner(context.manager);
    const visitorIds = unique([...visitors.values()]);
    const urls = unique(jobs.map((j) => j.url));
    const stored = await sql.rows<{
      visitor_id: number | string;
      url: string;
      created_at: unknown;
    }>(
      (p) =>
        `SELECT visitor_id, url, created_at FROM ${sql.table(PageviewEntity)} ` +
        `WHERE visitor_id IN (${p.list(visitorIds)}) AND url IN (${p.list(urls)}) ` +
        `AND created_at >= ${p.instant(since)} AND created_at <= ${p.instant(until)}`,
    );
    /** Per visitor and URL, the instants of its views: stored, then kept from this batch. */
    const views = new Map<string, number[]>();
    const viewed = (k: string, at: number): void => {
      const list = views.get(k);
      if (list) list.push(at);
      else views.set(k, [at]);
    };
    for (const row of stored) {
      viewed(key(Number(row.visitor_id), row.url), instantOf(row.created_at).getTime());
    }
    const dropped = new Set<IngestEvent<PageviewJob>>();
    // Stable: events of one instant keep their batch order (the first of them is kept).
    const byArrival = [...jobs].sort((a, b) => a.receivedAt - b.receivedAt);
    for (const job of byArrival) {
      const k = key(visitors.get(visitorKey(job)) as number, job.url);
      const at = job.receivedAt;
      const earlier = views.get(k) ?? [];
      if (earlier.some((t) => t >= at - PAGEVIEW_DEDUP_WINDOW_MS && t <= at)) dropped.add(job);
      else viewed(k, at);
    }
    return jobs.filter((job) => !dropped.has(job));
  }

  /** A session stops being a bounce once it holds more than one stored pageview (contract 3.2). */
  private async updateBounce(sessionIds: number[], context: IngestBatchContext): Promise<void> {
    const { manager } = context;
    const candidates = sessionIds.filter((id) => !this.cache.engagedSessions.has(id));
    if (candidates.length === 0) return;
    const sql = new SqlRunner(manager);
    const counts = await sql.rows<{ session_id: number | string; n: number | string }>(
      (p) =>
        `SELECT session_id, COUNT(*) AS n FROM ${sql.table(PageviewEntity)} ` +
        `WHERE session_id IN (${p.list(candidates)}) GROUP BY session_id`,
    );
    const engaged = counts.filter((c) => Number(c.n) > 1).map((c) => Number(c.session_id));
    if (engaged.length === 0) return;
    const bounced = sql.value(SessionEntity, 'is_bounced', false);
    await sql.run(
      (p) =>
        `UPDATE ${sql.table(SessionEntity)} SET is_bounced = ${p.add(bounced)} ` +
        `WHERE id IN (${p.list(engaged)})`,
    );
    context.afterCommit(() => engaged.forEach((id) => this.cache.engagedSessions.set(id, true)));
  }
}

/** The stored pageviews as committed events; the first pageview of a new session opens it. */
function committedPageviews(
  kept: IngestEvent<PageviewJob>[],
  visitors: Map<string, number>,
  sessions: Map<string, number>,
  newSessions: Set<string>,
): CommittedPageview[] {
  const opened = new Set<string>();
  return kept.map((job) => {
    const key = sessionKey(job);
    const isNewSession = newSessions.has(key) && !opened.has(key);
    opened.add(key);
    return {
      type: 'pageview',
      projectId: job.projectId,
      timestamp: job.receivedAt,
      eventId: job.eventId,
      url: job.url,
      title: job.pageTitle,
      visitorId: visitors.get(visitorKey(job)) as number,
      sessionId: sessions.get(key) as number,
      isNewSession,
    };
  });
}
