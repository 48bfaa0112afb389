import { int } from '../storage/sql/sql-values';
import type { CountedKind } from './counted-events';
import { valueKey } from './rollup.dimensions';

/**
 * Per project, local day and error group, the occurrences of its events (dimension
 * `error_group`, the group id in `label_a`, the sum of `error_events.occurrences` in
 * `pageviews`): errors-trend and error-detail sum days instead of events, and a day's row count
 * is its number of distinct groups. A group's texts and status are read from its row when
 * answering, so a status change (resolve, ignore, reopen) needs nothing here.
 */
export const ERROR_GROUP = 'error_group';

/** Error events as the rollups count them: a coalesced burst counts its occurrences. */
export const ERROR_EVENTS: CountedKind = {
  dimension: ERROR_GROUP,
  table: 'error_events',
  columns: ['group_id', 'occurrences'],
  event: (row) => ({ labels: [String(int(row.group_id))], count: int(row.occurrences) }),
};

/** The `value_key` of a group's rows. */
export const errorGroupKey = (groupId: number): string => valueKey([String(groupId)]);
