import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { ID_CACHE_SIZE } from '../tracking.constants';

/** What the pageview path remembers of a visitor row. */
export interface CachedVisitor {
  id: number;
  hasFingerprint: boolean;
}

/**
 * Row ids of visitors, sessions, devices and locations, so a batch only touches the database for
 * rows it has not seen. Filled only after a batch committed (ids from a rolled-back transaction
 * would point nowhere). Rows are never re-keyed, so a cached id stays valid for the row's life;
 * visitors and sessions can end (erasure, purge) in another process, so their cached ids are
 * checked against the table once per batch before use (`VisitorSessionWriter`).
 */
@Injectable()
export class TrackingIdCache {
  readonly visitors = new LRUCache<string, CachedVisitor>({ max: ID_CACHE_SIZE });
  readonly sessions = new LRUCache<string, number>({ max: ID_CACHE_SIZE });
  /** Ids of sessions known to be engaged (no longer a bounce): their flag needs no more checks. */
  readonly engagedSessions = new LRUCache<number, true>({ max: ID_CACHE_SIZE });
  readonly devices = new LRUCache<string, number>({ max: ID_CACHE_SIZE });
  readonly locations = new LRUCache<string, number>({ max: ID_CACHE_SIZE });

  clear(): void {
    this.visitors.clear();
    this.sessions.clear();
    this.engagedSessions.clear();
    this.devices.clear();
    this.locations.clear();
  }
}
