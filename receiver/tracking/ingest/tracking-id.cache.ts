import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { ID_CACHE_SIZE } from '../tracking.constants';

/**
 * Row ids of sessions, devices and locations, so a batch only inserts rows it has not seen
 * (visitors are upserted every batch: nothing to remember). Filled only after a batch committed
 * (ids from a rolled-back transaction would point nowhere). Rows are never re-keyed, so a cached
 * id stays valid for the row's life; sessions can end (erasure, purge) in another process, so a
 * cached session is looked up again by its key every batch (`VisitorSessionWriter`).
 */
@Injectable()
export class TrackingIdCache {
  readonly sessions = new LRUCache<string, number>({ max: ID_CACHE_SIZE });
  /** Ids of sessions known to be engaged (no longer a bounce): their flag needs no more checks. */
  readonly engagedSessions = new LRUCache<number, true>({ max: ID_CACHE_SIZE });
  readonly devices = new LRUCache<string, number>({ max: ID_CACHE_SIZE });
  readonly locations = new LRUCache<string, number>({ max: ID_CACHE_SIZE });

  clear(): void {
    this.sessions.clear();
    this.engagedSessions.clear();
    this.devices.clear();
    this.locations.clear();
  }
}
