import type { RetentionKind } from '../config/receiver-options.interface';
import type { SqlParams } from '../storage/sql/sql-params';

/**
 * One table the purge empties of old rows: `where` writes the condition on alias `t` for one
 * project and cutoff. With `dryRun` the condition counts what a real run would reach, including
 * rows a real run only orphans on the way (sessions whose old pageviews it deletes first).
 */
export interface PurgeStep {
  table: string;
  where(p: SqlParams, projectId: number, cutoff: number, dryRun: boolean): string;
}

const olderThan =
  (column: string) =>
  (p: SqlParams, projectId: number, cutoff: number): string =>
    `t.project_id = ${p.add(projectId)} AND t.${column} < ${p.instant(cutoff)}`;

/** Pageviews a dry run treats as already purged (a real run has deleted them by then). */
const kept = (p: SqlParams, alias: string, cutoff: number, dryRun: boolean): string =>
  dryRun ? ` AND ${alias}.created_at >= ${p.instant(cutoff)}` : '';

const pageviews: PurgeStep = { table: 'pageviews', where: olderThan('created_at') };

/** Sessions idle since before the cutoff that no stored pageview belongs to any more. */
const sessions: PurgeStep = {
  table: 'sessions',
  where: (p, projectId, cutoff, dryRun) =>
    `${olderThan('last_activity')(p, projectId, cutoff)} AND NOT EXISTS ` +
    `(SELECT 1 FROM pageviews p WHERE p.session_id = t.id${kept(p, 'p', cutoff, dryRun)})`,
};

/** Visitors last seen before the cutoff with neither a session nor a pageview left. */
const visitors: PurgeStep = {
  table: 'visitors',
  where: (p, projectId, cutoff, dryRun) => {
    const base = olderThan('last_seen')(p, projectId, cutoff);
    const liveSession = dryRun
      ? ` AND (s.last_activity >= ${p.instant(cutoff)} OR EXISTS (SELECT 1 FROM pageviews sp ` +
        `WHERE sp.session_id = s.id AND sp.created_at >= ${p.instant(cutoff)}))`
      : '';
    return (
      `${base} AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.visitor_id = t.id${liveSession})` +
      ` AND NOT EXISTS (SELECT 1 FROM pageviews p WHERE p.visitor_id = t.id` +
      `${kept(p, 'p', cutoff, dryRun)})`
    );
  },
};

const errorEvents: PurgeStep = { table: 'error_events', where: olderThan('created_at') };

/**
 * Error groups last seen before the cutoff whose every event is purged: the group goes too
 * (its status with it), since it would show in the errors list with no occurrence to open.
 */
const errorGroups: PurgeStep = {
  table: 'error_groups',
  where: (p, projectId, cutoff, dryRun) =>
    `${olderThan('last_seen')(p, projectId, cutoff)} AND NOT EXISTS ` +
    `(SELECT 1 FROM error_events e WHERE e.group_id = t.id${kept(p, 'e', cutoff, dryRun)})`,
};

/** The tables of each kind, in the order they are purged (children first). */
export const PURGE_STEPS: Record<RetentionKind, PurgeStep[]> = {
  pageviews: [pageviews, sessions, visitors],
  errors: [errorEvents, errorGroups],
  audit: [{ table: 'audit_logs', where: olderThan('created_at') }],
  clicks: [{ table: 'link_clicks', where: olderThan('created_at') }],
  telemetry: [{ table: 'telemetry_samples', where: olderThan('collected_at') }],
};
