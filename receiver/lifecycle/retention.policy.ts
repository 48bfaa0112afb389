import { RETENTION_KINDS } from '../config/receiver-options.constants';
import type { RetentionDays, RetentionKind } from '../config/receiver-options.interface';
import type { ProjectEntity } from '../storage/entities/project.entity';

const DAY_MS = 86_400_000;

/**
 * A project's effective retention: its own period per kind where set, else the receiver's
 * default. `0` keeps the data forever.
 */
export function effectiveRetention(project: ProjectEntity, defaults: RetentionDays): RetentionDays {
  const days = {} as RetentionDays;
  for (const kind of RETENTION_KINDS) {
    days[kind] = project[`retention_${kind}_days`] ?? defaults[kind];
  }
  return days;
}

/**
 * The instant before which data of a kind kept `days` days is purged (rows stamped exactly at
 * the cutoff stay), in whole seconds because MySQL/MariaDB `datetime` stores no fraction.
 */
export function retentionCutoff(now: number, days: number): number {
  return Math.floor((now - days * DAY_MS) / 1000) * 1000;
}

/** Kinds with a period, in the order the purge runs them. */
export const kindsToPurge = (days: RetentionDays): RetentionKind[] =>
  RETENTION_KINDS.filter((kind) => days[kind] > 0);
