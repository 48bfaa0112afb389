import type { SkipReason } from './import-row.converter';

/** What happened to one table's rows. */
export interface ImportTableReport {
  table: string;
  read: number;
  imported: number;
  /** Already in the receiver (an earlier run, or the same key): not written again. */
  existing: number;
  skipped: Record<SkipReason, number>;
}

/** Progress after each page. */
export interface ImportProgress {
  table: string;
  done: number;
  total: number;
}

/** The whole run. */
export interface ImportReport {
  timeZone: string;
  tables: ImportTableReport[];
  read: number;
  imported: number;
  /** Time spent copying rows (the rollups come after). */
  copyMs: number;
  /** Rows read (and written or found already there) per second of the copy. */
  rowsPerSecond: number;
  rollups: { projects: number; days: number; full: boolean; durationMs: number };
}
