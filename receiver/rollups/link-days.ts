import type { SqlRunner } from '../storage/sql/sql-runner';
import { instantOf } from '../storage/sql/sql-values';
import { addDays, localDateOf } from '../common/time/zoned-time.util';
import { linkDimensions } from './link-click.facts';
import type { RollupRepository } from './rollup.repository';

/**
 * The local days a link may have rollup rows on, now or once a recomputation running meanwhile
 * commits: every day from its first click's to its last's (two index seeks, where listing the
 * days of a popular link's clicks would read them all), and the days of its stored rows (rows
 * kept beyond the clicks' retention). Deleting the link enters these days' gates.
 */
export async function linkDays(
  sql: SqlRunner,
  rollups: RollupRepository,
  projectId: number,
  linkId: number,
  timeZone: string,
): Promise<string[]> {
  const days = new Set<string>();
  const span = await sql.row<{ first: unknown; last: unknown }>(
    (p) =>
      `SELECT MIN(created_at) AS first, MAX(created_at) AS last FROM link_clicks ` +
      `WHERE link_id = ${p.add(linkId)}`,
  );
  if (span?.first !== null && span?.first !== undefined) {
    const last = localDateOf(instantOf(span.last).getTime(), timeZone);
    let day = localDateOf(instantOf(span.first).getTime(), timeZone);
    for (; day <= last; day = addDays(day, 1)) days.add(day);
  }
  // The breakdown by referrer category has a row on every day of the link's `link` rows (every
  // click has a category), and its own key range: no walk through the project's other links.
  const breakdowns = linkDimensions(linkId).slice(1);
  for (const day of await rollups.daysWithRows(projectId, breakdowns)) days.add(day);
  return [...days];
}
