import { formatDateTime } from '../../common/time/receiver-time';

/** Granularity of a key's history. */
export type HistoryBucket = 'raw' | 'hour' | 'day';

/** One stored sample as the history reads it. */
export interface HistorySample {
  collected_at: Date;
  value: unknown;
  numeric_value: number | null;
}

/** One bucket of a history: `min/avg/max` only when the bucket holds numbers. */
export interface HistoryPoint {
  bucket: string;
  count: number;
  last: unknown;
  min?: number;
  avg?: number;
  max?: number;
}

/**
 * Groups samples (ascending by time) into hour or day buckets of the configured time zone. Done
 * in code rather than SQL so the three engines bucket time zones identically.
 */
export function bucketSamples(
  samples: HistorySample[],
  bucket: Exclude<HistoryBucket, 'raw'>,
  timeZone: string,
): HistoryPoint[] {
  const points: HistoryPoint[] = [];
  let current: (HistoryPoint & { sum: number; numbers: number }) | undefined;
  for (const sample of samples) {
    const stamp = formatDateTime(sample.collected_at, timeZone);
    const key = bucket === 'day' ? stamp.slice(0, 10) : `${stamp.slice(0, 13)}:00:00`;
    if (!current || current.bucket !== key) {
      if (current) points.push(finish(current));
      current = { bucket: key, count: 0, last: null, sum: 0, numbers: 0 };
    }
    current.count += 1;
    current.last = sample.value;
    const n = sample.numeric_value;
    if (n !== null) {
      current.numbers += 1;
      current.sum += n;
      current.min = current.min === undefined ? n : Math.min(current.min, n);
      current.max = current.max === undefined ? n : Math.max(current.max, n);
    }
  }
  if (current) points.push(finish(current));
  return points;
}

function finish(point: HistoryPoint & { sum: number; numbers: number }): HistoryPoint {
  const { sum, numbers, ...rest } = point;
  return numbers > 0 ? { ...rest, avg: Math.round((sum / numbers) * 1e6) / 1e6 } : rest;
}
