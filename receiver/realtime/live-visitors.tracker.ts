import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { SessionEntity } from '../storage/entities';
import { SqlRunner } from '../storage/sql/sql-runner';
import { RECEIVER_DATA_SOURCE } from '../storage/storage.constants';

/** A session counts as live this long after its last pageview. */
export const LIVE_WINDOW_MS = 5 * 60_000;
/** The count is recomputed (and pushed when it changed) at most this often. */
const TICK_MS = 1000;

interface Watched {
  /** Last activity (epoch ms) per session id, within the window. */
  sessions: Map<number, number>;
  watchers: number;
  /** The count last announced; -1 before the first. */
  announced: number;
  loaded: boolean;
  ready: Promise<void>;
}

/**
 * Live visitors per project: sessions active in the last 5 minutes. Only projects somebody watches
 * are tracked: the first watcher loads the live sessions from the database, committed pageviews
 * (from every process, through the fan-out) keep the set current, and a 1-second tick drops
 * expired sessions and reports counts that changed — at most one message per second per project,
 * and none while nothing changes.
 */
@Injectable()
export class LiveVisitorsTracker implements OnModuleDestroy {
  private readonly projects = new Map<number, Watched>();
  private timer: NodeJS.Timeout | undefined;
  private onChange: (projectId: number, count: number) => void = () => undefined;

  constructor(@Inject(RECEIVER_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** Where changed counts go (the hub). */
  listen(onChange: (projectId: number, count: number) => void): void {
    this.onChange = onChange;
  }

  /** Starts tracking `projectId` (or adds a watcher); resolves once its count is known. */
  async watch(projectId: number): Promise<number> {
    let watched = this.projects.get(projectId);
    if (!watched) {
      const sessions = new Map<number, number>();
      const entry: Watched = { sessions, watchers: 0, announced: -1, loaded: false } as Watched;
      entry.ready = this.load(projectId, sessions).finally(() => (entry.loaded = true));
      watched = entry;
      this.projects.set(projectId, watched);
      this.timer ??= setInterval(() => this.tick(), TICK_MS).unref();
    }
    watched.watchers++;
    await watched.ready;
    return this.count(watched, Date.now());
  }

  unwatch(projectId: number): void {
    const watched = this.projects.get(projectId);
    if (!watched || --watched.watchers > 0) return;
    this.projects.delete(projectId);
    if (this.projects.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** A committed pageview: its session is live from its timestamp. */
  seen(projectId: number, sessionId: number, at: number): void {
    const sessions = this.projects.get(projectId)?.sessions;
    if (sessions && (sessions.get(sessionId) ?? 0) < at) sessions.set(sessionId, at);
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.projects.clear();
  }

  private async load(projectId: number, sessions: Map<number, number>): Promise<void> {
    const sql = new SqlRunner(this.dataSource);
    const since = new Date(Date.now() - LIVE_WINDOW_MS);
    const rows = await sql.rows<{ id: unknown; last_activity: unknown }>(
      (p) =>
        `SELECT id, last_activity FROM ${sql.table(SessionEntity)} ` +
        `WHERE project_id = ${p.add(projectId)} ` +
        `AND last_activity >= ${p.add(sql.value(SessionEntity, 'last_activity', since))}`,
    );
    for (const row of rows) {
      const at = (sql.hydrate(SessionEntity, 'last_activity', row.last_activity) as Date).getTime();
      // Pageviews that arrived while the query ran are newer: keep theirs.
      const id = Number(row.id);
      if ((sessions.get(id) ?? 0) < at) sessions.set(id, at);
    }
  }

  private count(watched: Watched, now: number): number {
    const oldest = now - LIVE_WINDOW_MS;
    for (const [id, at] of watched.sessions) if (at < oldest) watched.sessions.delete(id);
    return watched.sessions.size;
  }

  private tick(): void {
    const now = Date.now();
    for (const [projectId, watched] of this.projects) {
      if (!watched.loaded) continue;
      const count = this.count(watched, now);
      if (count === watched.announced) continue;
      watched.announced = count;
      this.onChange(projectId, count);
    }
  }
}
