import { Injectable } from '@nestjs/common';
import type { LRUCache } from 'lru-cache';
import { In } from 'typeorm';
import type { IngestBatchContext } from '../../ingest';
import { SessionEntity, VisitorEntity } from '../../storage/entities';
import type { PageviewJob } from '../interfaces/tracking-jobs.interface';
import { SqlRunner } from '../../storage/sql/sql-runner';
import { unique } from './dimension.resolver';
import { TrackingIdCache } from './tracking-id.cache';

export const visitorKey = (job: PageviewJob): string => `${job.projectId}|${job.visitorHash}`;
export const sessionKey = (job: PageviewJob): string => `${job.projectId}|${job.sessionToken}`;

/**
 * The visitor and session rows behind a batch of pageviews (contract 3.1–3.2), resolved through
 * the id cache; unseen ones are inserted with `INSERT … IGNORE` and read back in one query.
 */
@Injectable()
export class VisitorSessionWriter {
  constructor(private readonly cache: TrackingIdCache) {}

  /** Visitor ids by `visitorKey`: new visitors inserted, `last_seen` and a missing fingerprint filled. */
  async upsertVisitors(
    jobs: PageviewJob[],
    context: IngestBatchContext,
  ): Promise<Map<string, number>> {
    const { manager } = context;
    const sql = new SqlRunner(manager);
    // Arrival times, not the write time: a queued backlog must not move visits to a later day.
    const now = new Date(Math.max(...jobs.map((job) => job.receivedAt)));
    await forgetVanished(
      sql,
      VisitorEntity,
      this.cache.visitors,
      jobs.map(visitorKey),
      (v) => v.id,
    );
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
      await sql.insertIgnore(
        VisitorEntity,
        [...unknown.values()].map((job) => ({
          project_id: job.projectId,
          visitor_hash: job.visitorHash,
          fingerprint_hash: fingerprints.get(visitorKey(job)) ?? '',
          first_seen: new Date(job.receivedAt),
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
    const visitorIds = unique([...ids.values()]);
    const lastSeen = sql.value(VisitorEntity, 'last_seen', now);
    await sql.run(
      (p) =>
        `UPDATE ${sql.table(VisitorEntity)} SET last_seen = ${p.add(lastSeen)} ` +
        `WHERE id IN (${p.list(visitorIds)})`,
    );
    return ids;
  }

  /**
   * Session ids by `sessionKey`: new sessions inserted (bounced), `last_activity` extended. The
   * keys of sessions this batch created are added to `created` when given.
   */
  async upsertSessions(
    jobs: PageviewJob[],
    visitors: Map<string, number>,
    context: IngestBatchContext,
    created?: Set<string>,
  ): Promise<Map<string, number>> {
    const { manager } = context;
    const sql = new SqlRunner(manager);
    const forgotten = await forgetVanished(
      sql,
      SessionEntity,
      this.cache.sessions,
      jobs.map(sessionKey),
      (id) => id,
    );
    forgotten.forEach((id) => this.cache.engagedSessions.delete(id));
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
      await sql.insertIgnore(
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
        select: {
          id: true,
          project_id: true,
          session_token: true,
          is_bounced: true,
          started_at: !!created,
        },
        where: {
          project_id: In(unique(unknown.map((j) => j.projectId))),
          session_token: In(unknown.map((j) => j.sessionToken)),
        },
      });
      for (const row of rows) {
        const key = `${row.project_id}|${row.session_token}`;
        if (!first.has(key)) continue;
        ids.set(key, row.id);
        // Ours when it started at our first event (to the second: some engines drop the ms);
        // a row another writer created earlier starts at its own event.
        if (created && sameSecond(row.started_at, (first.get(key) as PageviewJob).receivedAt)) {
          created.add(key);
        }
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
    const sessionIds = unique([...ids.values()]);
    const at = sql.value(SessionEntity, 'last_activity', newest);
    await sql.run(
      (p) =>
        `UPDATE ${sql.table(SessionEntity)} SET last_activity = ${p.add(at)} ` +
        `WHERE id IN (${p.list(sessionIds)}) AND last_activity < ${p.add(at)}`,
    );
    return ids;
  }
}

/**
 * Forgets the cached ids among `keys` whose row no longer exists, and returns those ids. The
 * process that erases a visitor (or purges old ones) clears its own cache, but another receiver
 * or worker process may still hold the ids: without this check it would go on writing pageviews
 * and sessions under a deleted visitor for as long as the entry stays in its cache. One primary-key
 * read per batch, only of ids served from the cache; a forgotten key is then resolved like an
 * unseen one (a new row for a visitor who comes back).
 */
async function forgetVanished<V extends object | number>(
  sql: SqlRunner,
  entity: typeof VisitorEntity | typeof SessionEntity,
  cache: LRUCache<string, V>,
  keys: string[],
  idOf: (value: V) => number,
): Promise<number[]> {
  const keysById = new Map<number, string[]>();
  for (const key of new Set(keys)) {
    const value = cache.peek(key);
    if (value === undefined) continue;
    const id = idOf(value);
    keysById.set(id, [...(keysById.get(id) ?? []), key]);
  }
  if (keysById.size === 0) return [];
  const rows = await sql.rows<{ id: unknown }>(
    (p) => `SELECT id FROM ${sql.table(entity)} WHERE id IN (${p.list([...keysById.keys()])})`,
  );
  const present = new Set(rows.map((row) => Number(row.id)));
  const vanished = [...keysById.keys()].filter((id) => !present.has(id));
  for (const id of vanished) keysById.get(id)?.forEach((key) => cache.delete(key));
  return vanished;
}

function sameSecond(date: Date | undefined, epochMs: number): boolean {
  return !!date && Math.floor(date.getTime() / 1000) === Math.floor(epochMs / 1000);
}
