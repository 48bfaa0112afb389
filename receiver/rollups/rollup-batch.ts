import { localDateOf, startOfLocalDay, addDays } from '../common/time/zoned-time.util';
import { ALL_DIMENSIONS, type PageviewFact, valueKey } from './rollup.dimensions';

/** One rollup row's worth of pageviews: the counts and member ids to add (or to store). */
export interface RollupDelta {
  projectId: number;
  /** Local day `YYYY-MM-DD` in the rollups' time zone. */
  day: string;
  dimension: string;
  valueKey: string;
  labels: string[];
  pageviews: number;
  /** Ids for exact unique counts; `null` for count-only dimensions. */
  members: Set<number> | null;
  /** `pageviews` is the size of the member set (a set of ids, not a count of pageviews). */
  countsMembers?: boolean;
}

/**
 * The local day of instants, remembering the bounds of the last day seen: a batch (or a day
 * being rebuilt) falls in one day, so the time-zone arithmetic runs once, not per pageview.
 */
export class LocalDayOf {
  private start = 0;
  private end = -1;
  private day = '';

  constructor(private readonly timeZone: string) {}

  of(instantMs: number): string {
    if (instantMs < this.start || instantMs >= this.end) {
      this.day = localDateOf(instantMs, this.timeZone);
      this.start = startOfLocalDay(this.day, this.timeZone);
      this.end = startOfLocalDay(addDays(this.day, 1), this.timeZone);
    }
    return this.day;
  }
}

/**
 * Sums pageviews into rollup rows: per project, local day and dimension value, the number of
 * pageviews and the ids behind its unique counts. Used alike by the ingest batch (deltas merged
 * into stored rows) and by the rebuild (whole days written anew), so both derive rows the same way.
 */
export class RollupBatch {
  /** Per project and day, per dimension (index in ALL_DIMENSIONS), rows by their labels' text. */
  private readonly groups = new Map<string, Array<Map<string, RollupDelta>>>();
  private readonly days: LocalDayOf;
  private readonly keys = ALL_DIMENSIONS.map(() => new Map<string, string>());

  /**
   * `days` may be kept by the caller across batches: finding a local day's bounds costs several
   * time-zone conversions, more than the rest of a small batch's rollup work.
   */
  constructor(timeZone: string, days: LocalDayOf = new LocalDayOf(timeZone)) {
    this.days = days;
  }

  /** Every row summed so far. */
  get rows(): RollupDelta[] {
    return [...this.groups.values()].flatMap((byDimension) =>
      byDimension.flatMap((rows) => [...rows.values()]),
    );
  }

  add(fact: PageviewFact): void {
    // Stored timestamps may lose their milliseconds (MariaDB `datetime`); local midnights fall on
    // whole seconds, so the day of the truncated instant is the day of the exact one.
    const day = this.days.of(Math.floor(fact.createdAt / 1000) * 1000);
    // Keys are built per pageview, so they stay cheap: no hashing, no JSON (a rebuild adds millions).
    const groupKey = `${fact.projectId}|${day}`;
    let byDimension = this.groups.get(groupKey);
    if (!byDimension) {
      byDimension = ALL_DIMENSIONS.map(() => new Map());
      this.groups.set(groupKey, byDimension);
    }
    for (let d = 0; d < ALL_DIMENSIONS.length; d++) {
      const dimension = ALL_DIMENSIONS[d];
      const labels = dimension.labels(fact);
      if (!labels) continue;
      const labelText = labels.length === 1 ? labels[0] : labelsText(labels);
      let row = byDimension[d].get(labelText);
      if (!row) {
        let key = this.keys[d].get(labelText);
        if (key === undefined) {
          key = valueKey(labels);
          this.keys[d].set(labelText, key);
        }
        row = {
          projectId: fact.projectId,
          day,
          dimension: dimension.name,
          valueKey: key,
          labels,
          pageviews: 0,
          members: dimension.members ? new Set() : null,
        };
        byDimension[d].set(labelText, row);
      }
      row.pageviews++;
      if (dimension.members === 'visitor') row.members?.add(fact.visitorId);
      else if (dimension.members === 'session') row.members?.add(fact.sessionId);
    }
  }

  /** Rows in primary-key order, so concurrent writers lock them in the same order. */
  sorted(): RollupDelta[] {
    return sortRows(this.rows);
  }
}

/** Labels as one map key: joined by NUL (JSON, which never holds a raw NUL, if a label does). */
export const labelsText = (labels: string[]): string =>
  labels.some((label) => label.includes('\u0000')) ? JSON.stringify(labels) : labels.join('\u0000');

/** Rollup rows in primary-key order (project, dimension, day, value), so writers lock alike. */
export function sortRows(rows: RollupDelta[]): RollupDelta[] {
  return rows.sort(
    (a, b) =>
      a.projectId - b.projectId ||
      compare(a.dimension, b.dimension) ||
      compare(a.day, b.day) ||
      compare(a.valueKey, b.valueKey),
  );
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
