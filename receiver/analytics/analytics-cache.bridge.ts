import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AnalyticsCache } from '../cache/analytics-cache.service';
import { ProjectEvents } from '../projects/project.events';

/**
 * Purges a project's cached analytics when it is disabled/enabled or deleted (contract 1.12,
 * 3.14), and when the retention purge deleted some of its data (an answer may hold purged rows,
 * and an error group it deleted must answer 404 at once: detail hits skip the lookup). Edits and
 * key rotations keep the cache: answers are keyed by project id.
 */
@Injectable()
export class AnalyticsCacheBridge implements OnModuleInit, OnModuleDestroy {
  private unsubscribe?: () => void;

  constructor(
    private readonly events: ProjectEvents,
    private readonly cache: AnalyticsCache,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe(async (event) => {
      if (event.type === 'toggled' || event.type === 'deleted' || event.type === 'purged') {
        await this.cache.invalidateProject(event.projectId);
      }
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }
}
