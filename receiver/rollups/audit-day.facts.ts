import { text } from '../storage/sql/sql-values';
import type { CountedKind } from './counted-events';

/**
 * Per project, local day and action, the number of audit entries (dimension `audit_action`, the
 * action in `label_a`, the count in `pageviews`): the audits endpoint's `top_actions` sums days ×
 * actions instead of counting every entry of the window. The entries themselves (`logs`) are an
 * index range read of the newest ones and stay on the raw table.
 */
export const AUDIT_ACTION = 'audit_action';

/** Audit entries as the rollups count them: one per entry, by its exact action. */
export const AUDIT_ENTRIES: CountedKind = {
  dimension: AUDIT_ACTION,
  table: 'audit_logs',
  columns: ['action'],
  event: (row) => ({ labels: [text(row.action)], count: 1 }),
};
