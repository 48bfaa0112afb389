import { Injectable } from '@nestjs/common';
import type { IngestBatchContext } from '../../ingest';
import { SessionEntity, VisitorEntity } from '../../storage/entities';
import type { PageviewJob } from '../interfaces/tracking-jobs.interface';
import { SqlRunner } from '../../storage/sql/sql-runner';
import { instantOf } from '../../storage/sql/sql-values';
import { readSessionStates, type SessionState } from '../../rollups/session-day.facts';
import { unique } from './dimension.resolver';
import { TrackingIdCache } from './tracking-id.cache';

export const visitorKey = (job: PageviewJob): string => `${job.projectId}|${job.visitorHash}`;
export const sessionKey = (job: PageviewJob): string => `${job.projectId}|${job.sessionToken}`;

/** The visitors of a batch once written. */
export interface WrittenVisitors {
  /** Visitor ids by `visitorKey`. */
  ids: Map<string, number>;
  /** Every visitor of the batch with its stored `first_seen` (ms). */
  firstSeen: Array<{ id: number; projectId: number; firstSeen: number }>;
}

/** The sessions of a batch once written, locked until the batch commits. */
export interface WrittenSessions {
  /** Session ids by `sessionKey`. */
  ids: Map<string, number>;
  /** Keys of the sessions this batch inserted. */
  created: Set<string>;
  /** The other sessions as they were before this batch wrote them (by id). */
  before: Map<number, SessionState>;
}

/** Visitor rows per statement (5 values each). */
const VISITORS_PER_UPSERT = 1_000;

/**
 * The visitor and session rows behind a batch of pageviews (contract 3.1–3.2). Each is written
 * without reading it first, so a batch holds the rows' locks only from its write to its commit,
 * and always takes them in key order: two workers writing the same rows queue up, never deadlock.
 */
@Injectable()
export class VisitorSessionWriter {
  constructor(private readonly cache: TrackingIdCache) {}

  /**
   * One upsert per batch: new visitors inserted; for known ones `last_seen` only moves forward
   * and a missing fingerprint is filled once, never overwritten (contract 3.1). Times are the
   * events' arrival times: a queued backlog must not move visits to a later day.
   */
  async upsertVisitors(jobs: PageviewJob[], context: IngestBatchContext): Promise<WrittenVisitors> {
    const rows = new Map<
      string,
      {
        project_id: number;
        visitor_hash: string;
        fingerprint_hash: string;
        first_seen: number;
        last_seen: number;
      }
    >();
    for (const job of jobs) {
      const key = visitorKey(job);
      const row = rows.get(key);
      if (!row) {
        rows.set(key, {
          project_id: job.projectId,
          visitor_hash: job.visitorHash,
          fingerprint_hash: job.fingerprintHash ?? '',
          first_seen: job.receivedAt,
          last_seen: job.receivedAt,
        });
        continue;
      }
      row.first_seen = Math.min(row.first_seen, job.receivedAt);
      row.last_seen = Math.max(row.last_seen, job.receivedAt);
      if (!row.fingerprint_hash && job.fingerprintHash) row.fingerprint_hash = job.fingerprintHash;
    }
    const sorted = [...rows.values()]
      .sort((a, b) => a.project_id - b.project_id || compare(a.visitor_hash, b.visitor_hash))
      .map((row) => ({
        ...row,
        first_seen: new Date(row.first_seen),
        last_seen: new Date(row.last_seen),
      }));
    const sql = new SqlRunner(context.manager);
    const written: WrittenVisitors = { ids: new Map(), firstSeen: [] };
    for (let i = 0; i < sorted.length; i += VISITORS_PER_UPSERT) {
      const stored = await sql.insertReturning<Record<string, unknown>>(
        VisitorEntity,
        sorted.slice(i, i + VISITORS_PER_UPSERT),
        {
          kind: 'merge',
          key: ['project_id', 'visitor_hash'],
          set: {
            last_seen: (stored, incoming) => sql.dialect.greatest(stored, incoming),
            fingerprint_hash: (stored, incoming) =>
              `CASE WHEN ${stored} = '' THEN ${incoming} ELSE ${stored} END`,
          },
          returning: ['id', 'project_id', 'visitor_hash', 'first_seen'],
        },
      );
      for (const row of stored) {
        const id = Number(row.id);
        const projectId = Number(row.project_id);
        written.ids.set(`${projectId}|${String(row.visitor_hash)}`, id);
        written.firstSeen.push({ id, projectId, firstSeen: instantOf(row.first_seen).getTime() });
      }
    }
    return written;
  }

  /**
   * Sessions of the batch: new ones inserted (bounced), then every one read and locked in id
   * order, with its state before this batch (the session rollups add what the batch changes);
   * `last_activity` extended and never moved backwards.
   */
  async upsertSessions(
    jobs: PageviewJob[],
    visitors: Map<string, number>,
    context: IngestBatchContext,
  ): Promise<WrittenSessions> {
    const sql = new SqlRunner(context.manager);
    const first = new Map<string, PageviewJob>();
    const latest = new Map<string, number>();
    for (const job of jobs) {
      const key = sessionKey(job);
      if (!first.has(key)) first.set(key, job);
      latest.set(key, Math.max(latest.get(key) ?? 0, job.receivedAt));
    }
    const written: WrittenSessions = { ids: new Map(), created: new Set(), before: new Map() };
    // Cached keys exist (unless erased meanwhile: found missing below and inserted again).
    let pending = [...first.keys()].filter((key) => !this.cache.sessions.has(key));
    for (let round = 0; ; round++) {
      await this.insertSessions(sql, pending, first, latest, visitors, written.created);
      const states = await this.lockSessions(
        sql,
        [...first.keys()].filter((k) => !written.ids.has(k)),
      );
      for (const [id, state] of states) {
        const key = `${state.projectId}|${state.sessionToken}`;
        if (!first.has(key) || written.ids.has(key)) continue;
        written.ids.set(key, id);
        // Rows other writers committed before our insert or lock: their state is ours to extend.
        if (!written.created.has(key)) written.before.set(id, state);
      }
      const missing = [...first.keys()].filter((key) => !written.ids.has(key));
      if (missing.length === 0) break;
      if (round > 0) throw new Error(`Session rows missing after insert: ${missing.length}`);
      missing.forEach((key) => this.cache.sessions.delete(key));
      pending = missing;
    }
    const sessionIds = unique([...written.ids.values()]);
    context.afterCommit(() => {
      for (const [key, id] of written.ids) this.cache.sessions.set(key, id);
      for (const [id, state] of written.before)
        if (!state.bounced) this.cache.engagedSessions.set(id, true);
    });
    // Deduplicated pageviews still extend the session (contract 3.2), and it never moves
    // backwards. One statement for the batch: its events arrived within a few milliseconds.
    const newest = new Date(Math.max(...latest.values()));
    const at = sql.value(SessionEntity, 'last_activity', newest);
    await sql.run(
      (p) =>
        `UPDATE ${sql.table(SessionEntity)} SET last_activity = ${p.add(at)} ` +
        `WHERE id IN (${p.list(sessionIds)}) AND last_activity < ${p.add(at)}`,
    );
    return written;
  }

  /** Inserts the sessions of `keys` whose key is free, in key order; adds ours to `created`. */
  private async insertSessions(
    sql: SqlRunner,
    keys: string[],
    first: Map<string, PageviewJob>,
    latest: Map<string, number>,
    visitors: Map<string, number>,
    created: Set<string>,
  ): Promise<void> {
    if (keys.length === 0) return;
    const jobs = keys
      .map((key) => first.get(key) as PageviewJob)
      .sort((a, b) => a.projectId - b.projectId || compare(a.sessionToken, b.sessionToken));
    const inserted = await sql.insertReturning<Record<string, unknown>>(
      SessionEntity,
      jobs.map((job) => ({
        project_id: job.projectId,
        visitor_id: visitors.get(visitorKey(job)) as number,
        session_token: job.sessionToken,
        started_at: new Date(job.receivedAt),
        last_activity: new Date(latest.get(sessionKey(job)) as number),
        is_bounced: true,
      })),
      { kind: 'new', returning: ['project_id', 'session_token'] },
    );
    for (const row of inserted)
      created.add(`${Number(row.project_id)}|${String(row.session_token)}`);
  }

  /** The sessions of `keys` (those stored), locked until commit, with their state. */
  private async lockSessions(sql: SqlRunner, keys: string[]): Promise<Map<number, SessionState>> {
    if (keys.length === 0) return new Map();
    const projects = unique(keys.map((key) => Number(key.slice(0, key.indexOf('|')))));
    const tokens = unique(keys.map((key) => key.slice(key.indexOf('|') + 1)));
    return readSessionStates(
      sql,
      (p) => `project_id IN (${p.list(projects)}) AND session_token IN (${p.list(tokens)})`,
      true,
    );
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
