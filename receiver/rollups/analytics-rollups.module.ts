import { Module } from '@nestjs/common';
import { RollupMaintenance } from './rollup-maintenance.service';
import { RollupRebuildService } from './rollup-rebuild.service';
import { RollupStateService } from './rollup-state.service';

/** The providers behind the analytics rollups, shared by the CLI's slice of the receiver. */
export const ROLLUP_PROVIDERS = [RollupStateService, RollupMaintenance, RollupRebuildService];

/**
 * Analytics rollups: their state, their upkeep (ingest, purge, erasure) and their rebuild. Wired
 * in `receiver.features.ts` to tracking (the pageview batch), analytics (reads) and lifecycle.
 */
@Module({ providers: ROLLUP_PROVIDERS, exports: ROLLUP_PROVIDERS })
export class AnalyticsRollupsModule {}
