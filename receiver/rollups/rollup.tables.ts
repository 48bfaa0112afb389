/**
 * What the rollup writes and reads share: the tables, their key, the statement size, and the
 * keys rows are indexed by in memory (a stored row, one of its segments).
 */
import type { RollupDelta } from './rollup-batch';

export const ROLLUP_TABLE = 'analytics_rollups';
/** The segments of the long member lists beyond each row's first (see member-segments.ts). */
export const ROLLUP_SEGMENT_TABLE = 'analytics_rollup_segments';
/** The primary key of both tables (a segment's adds its `first_id`). */
export const KEY = ['project_id', 'dimension', 'day', 'value_key'];
/**
 * Rows per statement: 10 values each, below every engine's placeholder limit (32,766 on SQLite);
 * a batch of 500 pageviews (≈ 520 rows) merges in one round of three statements.
 */
export const CHUNK = 1_000;

export const rowKey = (projectId: number, dimension: string, day: string, key: string): string =>
  `${projectId}|${day}|${dimension}|${key}`;

export type RowKey = Pick<RollupDelta, 'projectId' | 'dimension' | 'day' | 'valueKey'>;

export const keyOf = (delta: RowKey): string =>
  rowKey(delta.projectId, delta.dimension, delta.day, delta.valueKey);

export const segmentKey = (delta: RowKey, firstId: number): string => `${keyOf(delta)}|${firstId}`;
