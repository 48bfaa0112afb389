import type { DataSource } from 'typeorm';
import { decodeMembers, encodeMembers } from '../../receiver/rollups/member-list';

/**
 * Every stored rollup row (but the old per-project lock rows), in key order, with its WHOLE
 * member list as hex: its head and its other segments joined. How a list is cut into segments
 * depends on the history of the merges (a rebuild cuts it anew), so rows are compared by what
 * they hold, not by their layout.
 */
export async function storedRollups(ds: DataSource): Promise<Array<Record<string, unknown>>> {
  const rows: Array<Record<string, unknown>> = await ds.query(
    'SELECT project_id, dimension, day, value_key, label_a, label_b, label_c, label_d, ' +
      `pageviews, members FROM analytics_rollups WHERE dimension <> 'session_gate' ` +
      'ORDER BY project_id, dimension, day, value_key',
  );
  const segments: Array<Record<string, unknown>> = await ds.query(
    'SELECT project_id, dimension, day, value_key, members FROM analytics_rollup_segments',
  );
  const more = new Map<string, number[]>();
  const keyOf = (row: Record<string, unknown>) =>
    [Number(row.project_id), row.dimension, row.day, row.value_key].join('|');
  for (const segment of segments) {
    const ids = decodeMembers(segment.members as Uint8Array);
    more.set(keyOf(segment), [...(more.get(keyOf(segment)) ?? []), ...ids]);
  }
  return rows.map((row) => {
    const ids = [
      ...decodeMembers(row.members as Uint8Array | null),
      ...(more.get(keyOf(row)) ?? []),
    ];
    return {
      ...row,
      project_id: Number(row.project_id),
      pageviews: Number(row.pageviews),
      members: row.members ? encodeMembers(ids.sort((a, b) => a - b)).toString('hex') : null,
    };
  });
}
