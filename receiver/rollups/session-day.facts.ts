import type { SqlRunner } from '../storage/sql/sql-runner';
import type { SqlParams } from '../storage/sql/sql-params';
import { instantOf, int, text } from '../storage/sql/sql-values';
import { projectSpan } from './project-span.sql';
import { LocalDayOf, type RollupDelta } from './rollup-batch';
import { valueKey } from './rollup.dimensions';

/**
 * Per project and local day of `started_at`, the sums the session answers are made of (contract
 * 2.5.1, 2.5.3): sessions, bounced sessions, seconds between start and last activity (all, and of
 * the engaged ones). Stored as rollup rows of dimension `session_day`, one per sum, the sum in the
 * `pageviews` column. Sessions change after the day they started (activity extends them, a second
 * pageview ends the bounce), so the ingest adds what each batch changed: after minus before.
 */
export const SESSION_DAY = 'session_day';

/** The sums, in `label_a` (and hashed as `value_key`). */
export const SESSION_SUMS = ['sessions', 'bounced', 'seconds', 'engaged_seconds'] as const;
export type SessionSum = (typeof SESSION_SUMS)[number];
export const SESSION_SUM_KEYS: Readonly<Record<SessionSum, string>> = Object.fromEntries(
  SESSION_SUMS.map((name) => [name, valueKey([name])]),
) as Record<SessionSum, string>;

/** One stored session as the sums see it; `duration` as the engine computes it (the raw AVG's input). */
export interface SessionState {
  projectId: number;
  sessionToken: string;
  startedAt: number;
  bounced: boolean;
  duration: number;
}

/**
 * Reads sessions (`where` on alias-less `sessions` columns). With `lock` the rows are read for
 * update, in id order (so concurrent batches lock them alike), and the state is the latest
 * committed one on every engine (MariaDB's plain reads see the transaction's snapshot).
 */
export async function readSessionStates(
  sql: SqlRunner,
  where: (p: SqlParams) => string,
  lock = false,
): Promise<Map<number, SessionState>> {
  const duration = sql.dialect.secondsBetween('started_at', 'last_activity');
  const rows = await sql.rows<Record<string, unknown>>(
    (p) =>
      `SELECT id, project_id, session_token, started_at, is_bounced, ${duration} AS duration ` +
      `FROM sessions WHERE ${where(p)}${lock ? ` ORDER BY id${sql.dialect.lockRows}` : ''}`,
  );
  const states = new Map<number, SessionState>();
  for (const row of rows)
    states.set(int(row.id), {
      projectId: int(row.project_id),
      sessionToken: text(row.session_token),
      startedAt: instantOf(row.started_at).getTime(),
      bounced: isTrue(row.is_bounced),
      duration: int(row.duration),
    });
  return states;
}

/** What the sessions changed in the sums: `after` minus `before`, per project and start day. */
export function sessionDeltas(
  before: ReadonlyMap<number, SessionState>,
  after: ReadonlyMap<number, SessionState>,
  timeZone: string,
): RollupDelta[] {
  const days = new LocalDayOf(timeZone);
  const sums = new Map<string, RollupDelta>();
  const add = (state: SessionState | undefined, sign: 1 | -1) => {
    if (!state) return;
    const day = days.of(Math.floor(state.startedAt / 1000) * 1000);
    for (const name of SESSION_SUMS) {
      const value = sign * contribution(state, name);
      if (value === 0) continue;
      const key = `${state.projectId}|${day}|${name}`;
      const row = sums.get(key);
      if (row) row.pageviews += value;
      else
        sums.set(key, {
          projectId: state.projectId,
          day,
          dimension: SESSION_DAY,
          valueKey: SESSION_SUM_KEYS[name],
          labels: [name],
          pageviews: value,
          members: null,
        });
    }
  };
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    add(after.get(id), 1);
    add(before.get(id), -1);
  }
  return [...sums.values()].filter((row) => row.pageviews !== 0);
}

/**
 * The sums of one project's sessions started in `[startMs, endMs)` (a rebuild, a purge), as
 * rollup rows of `day`, computed by the engine.
 */
export async function sessionDayRows(
  sql: SqlRunner,
  projectId: number,
  day: string,
  startMs: number,
  endMs: number,
): Promise<RollupDelta[]> {
  const duration = sql.dialect.secondsBetween('started_at', 'last_activity');
  const row = await sql.row<Record<string, unknown>>(
    (p) =>
      `SELECT COUNT(*) AS sessions, SUM(CASE WHEN is_bounced THEN 1 ELSE 0 END) AS bounced, ` +
      `SUM(${duration}) AS seconds, ` +
      `SUM(CASE WHEN is_bounced THEN 0 ELSE ${duration} END) AS engaged_seconds ` +
      `FROM sessions WHERE ${projectSpan('started_at', projectId, startMs, endMs)(p)}`,
  );
  return SESSION_SUMS.filter((name) => int(row?.[name]) !== 0).map((name) => ({
    projectId,
    day,
    dimension: SESSION_DAY,
    valueKey: SESSION_SUM_KEYS[name],
    labels: [name],
    pageviews: int(row?.[name]),
    members: null,
  }));
}

function contribution(state: SessionState, name: SessionSum): number {
  switch (name) {
    case 'sessions':
      return 1;
    case 'bounced':
      return state.bounced ? 1 : 0;
    case 'seconds':
      return state.duration;
    case 'engaged_seconds':
      return state.bounced ? 0 : state.duration;
  }
}

/** A boolean column as each driver returns it (1/0, true/false, '1'/'0'). */
const isTrue = (value: unknown): boolean =>
  value === true || value === 1 || value === '1' || value === 't';
