import { Inject, Injectable, Logger } from '@nestjs/common';
import { ANALYTICS_CACHE_STORE } from './analytics-cache.constants';
import { AnalyticsCachePatterns } from './analytics-cache.keys';
import { ANALYTICS_CACHE_MESSAGES } from './analytics-cache.messages';
import { OutageLog } from '../../lib/outage/outage.log';
import type { AnalyticsCacheStore } from '../config/receiver-extensions.interface';

/**
 * Cache-aside for analytics answers (contract 1.12) and the invalidation triggers other
 * capabilities call. Every store failure is swallowed: a cache that is down makes answers slower,
 * never wrong and never failed. An outage of the store is logged once when it starts and once
 * when it ends.
 */
@Injectable()
export class AnalyticsCache {
  private readonly outage = new OutageLog(
    new Logger(AnalyticsCache.name),
    ANALYTICS_CACHE_MESSAGES.storeFailing,
    ANALYTICS_CACHE_MESSAGES.storeBack,
  );

  constructor(@Inject(ANALYTICS_CACHE_STORE) private readonly store: AnalyticsCacheStore) {}

  /**
   * Returns the cached value of `key`, or computes it, stores it for `ttlSeconds` and returns it.
   * The value is stored as JSON, so a hit returns exactly what the first computation returned.
   */
  async remember<T>(key: string, ttlSeconds: number, compute: () => Promise<T>): Promise<T> {
    return JSON.parse((await this.rememberJson(key, ttlSeconds, compute)).json) as T;
  }

  /**
   * {@link remember} without the round trip through objects: the JSON text as stored, so a hit
   * is written to the client as it is (no parse, no second serialisation).
   */
  async rememberJson(
    key: string,
    ttlSeconds: number,
    compute: () => Promise<unknown>,
  ): Promise<{ json: string; hit: boolean }> {
    const cached = await this.getJson(key);
    if (cached !== undefined) return { json: cached, hit: true };
    const json = JSON.stringify(await compute());
    try {
      await this.store.set(key, json, ttlSeconds);
      this.outage.up();
    } catch (error) {
      this.outage.down(error);
    }
    return { json, hit: false };
  }

  /** Project disabled or deleted: drops every cached answer of that project. */
  async invalidateProject(projectId: number): Promise<void> {
    await this.deleteAll(AnalyticsCachePatterns.project(projectId));
  }

  /** New error events were stored: drops the project's `errors` and `errors-trend` answers. */
  async invalidateErrors(projectId: number): Promise<void> {
    await this.deleteAll(AnalyticsCachePatterns.errorLists(projectId));
  }

  /** Error groups changed status: drops their `error-detail` answers and the error lists. */
  async invalidateErrorGroups(projectId: number, groupIds: readonly number[]): Promise<void> {
    await this.deleteAll([
      ...groupIds.map((id) => AnalyticsCachePatterns.errorDetail(projectId, id)),
      ...AnalyticsCachePatterns.errorLists(projectId),
    ]);
  }

  /** A link was edited: drops its `link-detail` answers. */
  async invalidateLinkDetail(projectId: number, code: string): Promise<void> {
    await this.deleteAll([AnalyticsCachePatterns.linkDetail(projectId, code)]);
  }

  /** The JSON text stored under `key`; `undefined` on a miss or when the store is down. */
  async getJson(key: string): Promise<string | undefined> {
    try {
      const value = await this.store.get(key);
      this.outage.up();
      return value;
    } catch (error) {
      this.outage.down(error);
      return undefined;
    }
  }

  private async deleteAll(patterns: readonly string[]): Promise<void> {
    await Promise.all(
      patterns.map(async (pattern) => {
        try {
          await this.store.deleteMatching(pattern);
        } catch (error) {
          this.outage.down(error);
        }
      }),
    );
  }
}
