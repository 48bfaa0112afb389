import { Injectable, OnModuleInit } from '@nestjs/common';
import { In } from 'typeorm';
import { IngestBatchContext, IngestHandler, IngestHandlerRegistry } from '../../ingest';
import { PageviewEntity, SessionEntity, VisitorEntity } from '../../storage/entities';
import type { PageviewJob } from '../interfaces/tracking-jobs.interface';
import { PAGEVIEW_DEDUP_WINDOW_MS, PAGEVIEW_JOB } from '../tracking.constants';
import { insertIgnore } from './bulk-insert';
import { DimensionResolver, unique } from './dimension.resolver';
import { TrackingIdCache } from './tracking-id.cache';

const visitorKey = (job: PageviewJob): string => `${job.projectId}|${job.visitorHash}`;
const sessionKey = (job: PageviewJob): string => `${job.projectId}|${job.sessionToken}`;

/**
 * Writes a batch of pageviews (contract 3.1–3.3): visitor upsert, session upsert (keyed by
 * project + token), 5-minute dedup measured from each event's arrival, device and location rows,
 * one multi-row pageview insert, then the bounce flag of sessions that now have two pageviews.
 */
@Injectable()
export class PageviewIngestHandler implements IngestHandler<PageviewJob>, OnModuleInit {
  readonly kind = PAGEVIEW_JOB;

  constructor(
    private readonly registry: IngestHandlerRegistry,
    private readonly cache: TrackingIdCache,
    private readonly dimensions: DimensionResolver,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async handle(jobs: PageviewJob[], context: IngestBatchContext): Promise<void> {
    const visitors = await this.upsertVisitors(jobs, context);
    const sessions = await this.upsertSessions(jobs, visitors, context);
    const kept = await this.dropDuplicates(jobs, visitors, context);
    if (kept.length === 0) return;
    const [deviceIds, locationIds] = await Promise.all([
      this.dimensions.devices(
        kept.map((j) => ({ projectId: j.projectId, value: j.device })),
        context,
      ),
      this.dimensions.locations(
        kept.map((j) => ({ projectId: j.projectId, value: j.geo })),
        context,
      ),
    ]);
    const rows = kept.map((job, i) => ({
      project_id: job.projectId,
      session_id: sessions.get(sessionKey(job)) as number,
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
    }));
    await insertIgnore(context.manager, PageviewEntity, rows);
    await this.updateBounce(unique(rows.map((r) => r.session_id)), context);
  }

  private async upsertVisitors(
    jobs: PageviewJob[],
    context: IngestBatchContext,
  ): Promise<Map<string, number>> {
    const { manager } = context;
    const now = new Date();
    const ids = new Map<string, number>();
    const unknown = new Map<string, PageviewJob>();
    const fingerprints = new Map<string, string>();
    for (const job of jobs) {
      const key = visitorKey(job);
      const cached = this.cache.visitors.get(key);
      if (cached) ids.set(key, cached.id);
      else if (!unknown.has(key)) unknown.set(key, job);
      if (job.fingerprintHash && !cached?.hasFingerprint)
        fingerprints.set(key, job.fingerprintHash);
    }
    if (unknown.size > 0) {
      await insertIgnore(
        manager,
        VisitorEntity,
        [...unknown.values()].map((job) => ({
          project_id: job.projectId,
          visitor_hash: job.visitorHash,
          fingerprint_hash: fingerprints.get(visitorKey(job)) ?? '',
          first_seen: now,
          last_seen: now,
        })),
      );
      const rows = await manager.find(VisitorEntity, {
        select: { id: true, project_id: true, visitor_hash: true, fingerprint_hash: true },
        where: {
          project_id: In(unique([...unknown.values()].map((j) => j.projectId))),
          visitor_hash: In([...unknown.values()].map((j) => j.visitorHash)),
        },
      });
      for (const row of rows) {
        const key = `${row.project_id}|${row.visitor_hash}`;
        if (!unknown.has(key)) continue;
        ids.set(key, row.id);
        const hasFingerprint = !!row.fingerprint_hash;
        if (hasFingerprint) fingerprints.delete(key);
        context.afterCommit(
          () => void this.cache.visitors.set(key, { id: row.id, hasFingerprint }),
        );
      }
    }
    // Fill a missing fingerprint once; never overwrite one (contract 3.1).
    for (const [key, fingerprint] of fingerprints) {
      const id = ids.get(key) as number;
      await manager.update(
        VisitorEntity,
        { id, fingerprint_hash: '' },
        { fingerprint_hash: fingerprint },
      );
      context.afterCommit(() => void this.cache.visitors.set(key, { id, hasFingerprint: true }));
    }
    await manager.update(VisitorEntity, { id: In(unique([...ids.values()])) }, { last_seen: now });
    return ids;
  }

  private async upsertSessions(
    jobs: PageviewJob[],
    visitors: Map<string, number>,
    context: IngestBatchContext,
  ): Promise<Map<string, number>> {
    const { manager } = context;
    const ids = new Map<string, number>();
    const first = new Map<string, PageviewJob>();
    const latest = new Map<string, number>();
    for (const job of jobs) {
      const key = sessionKey(job);
      if (!first.has(key)) first.set(key, job);
      latest.set(key, Math.max(latest.get(key) ?? 0, job.receivedAt));
      const cached = this.cache.sessions.get(key);
      if (cached !== undefined) ids.set(key, cached);
    }
    const unknown = [...first.entries()].filter(([key]) => !ids.has(key)).map(([, job]) => job);
    if (unknown.length > 0) {
      await insertIgnore(
        manager,
        SessionEntity,
        unknown.map((job) => ({
          project_id: job.projectId,
          visitor_id: visitors.get(visitorKey(job)) as number,
          session_token: job.sessionToken,
          started_at: new Date(job.receivedAt),
          last_activity: new Date(latest.get(sessionKey(job)) as number),
          is_bounced: true,
        })),
      );
      const rows = await manager.find(SessionEntity, {
        select: { id: true, project_id: true, session_token: true, is_bounced: true },
        where: {
          project_id: In(unique(unknown.map((j) => j.projectId))),
          session_token: In(unknown.map((j) => j.sessionToken)),
        },
      });
      for (const row of rows) {
        const key = `${row.project_id}|${row.session_token}`;
        if (!first.has(key)) continue;
        ids.set(key, row.id);
        const engaged = !row.is_bounced;
        context.afterCommit(() => {
          this.cache.sessions.set(key, row.id);
          if (engaged) this.cache.engagedSessions.set(row.id, true);
        });
      }
    }
    // Deduplicated pageviews still extend the session (contract 3.2), and it never moves
    // backwards. One statement for the batch: its events arrived within a few milliseconds.
    const newest = new Date(Math.max(...latest.values()));
    await manager
      .createQueryBuilder()
      .update(SessionEntity)
      .set({ last_activity: newest })
      .where('id IN (:...ids) AND last_activity < :newest', {
        ids: unique([...ids.values()]),
        newest,
      })
      .execute();
    return ids;
  }

  /**
   * Drops pageviews whose visitor already viewed the same URL less than 5 minutes before the
   * event arrived (contract 3.3). One query per batch; a batch spans a few milliseconds, so the
   * window starts 5 minutes before its earliest event.
   */
  private async dropDuplicates(
    jobs: PageviewJob[],
    visitors: Map<string, number>,
    context: IngestBatchContext,
  ): Promise<PageviewJob[]> {
    const key = (visitorId: number, url: string): string => `${visitorId}|${url}`;
    const since = new Date(Math.min(...jobs.map((j) => j.receivedAt)) - PAGEVIEW_DEDUP_WINDOW_MS);
    const recent: { visitor_id: number | string; url: string }[] = await context.manager
      .createQueryBuilder(PageviewEntity, 'p')
      .select('p.visitor_id', 'visitor_id')
      .addSelect('p.url', 'url')
      .distinct(true)
      .where('p.visitor_id IN (:...visitors)', { visitors: unique([...visitors.values()]) })
      .andWhere('p.url IN (:...urls)', { urls: unique(jobs.map((j) => j.url)) })
      .andWhere('p.created_at >= :since', { since })
      .getRawMany();
    const seen = new Set(recent.map((row) => key(Number(row.visitor_id), row.url)));
    const kept: PageviewJob[] = [];
    for (const job of jobs) {
      const k = key(visitors.get(visitorKey(job)) as number, job.url);
      if (seen.has(k)) continue;
      seen.add(k);
      kept.push(job);
    }
    return kept;
  }

  /** A session stops being a bounce once it holds more than one stored pageview (contract 3.2). */
  private async updateBounce(sessionIds: number[], context: IngestBatchContext): Promise<void> {
    const { manager } = context;
    const candidates = sessionIds.filter((id) => !this.cache.engagedSessions.has(id));
    if (candidates.length === 0) return;
    const counts: { session_id: number | string; n: number | string }[] = await manager
      .createQueryBuilder(PageviewEntity, 'p')
      .select('p.session_id', 'session_id')
      .addSelect('COUNT(*)', 'n')
      .where('p.session_id IN (:...ids)', { ids: candidates })
      .groupBy('p.session_id')
      .getRawMany();
    const engaged = counts.filter((c) => Number(c.n) > 1).map((c) => Number(c.session_id));
    if (engaged.length === 0) return;
    await manager.update(
      SessionEntity,
      { id: In(engaged), is_bounced: true },
      { is_bounced: false },
    );
    context.afterCommit(() => engaged.forEach((id) => this.cache.engagedSessions.set(id, true)));
  }
}
