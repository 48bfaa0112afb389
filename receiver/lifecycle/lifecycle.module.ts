import { Module } from '@nestjs/common';
import { PurgeLease } from './purge.lease';
import { PurgeRepository } from './purge.repository';
import { PurgeScheduler } from './purge.scheduler';
import { PurgeService } from './purge.service';

/** The providers a CLI context needs to purge (beside `ProjectsService`), without the timer. */
export const PURGE_PROVIDERS = [PurgeRepository, PurgeLease, PurgeService];

/**
 * Data lifecycle: the retention purge (a timer in serving receivers, `receiver purge` in the
 * CLI) and its `purge` health check.
 */
@Module({
  providers: [...PURGE_PROVIDERS, PurgeScheduler],
  exports: [PurgeService],
})
export class LifecycleModule {}
