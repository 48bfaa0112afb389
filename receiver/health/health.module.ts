import { Module } from '@nestjs/common';
import { HealthIndicatorRegistry } from './health-indicator.registry';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

/**
 * The health endpoint and its indicator registry, which enrichment, the ingest queue and the
 * host application (through `ReceiverModule`'s exports) extend with their own checks.
 */
@Module({
  controllers: [HealthController],
  providers: [HealthIndicatorRegistry, HealthService],
  exports: [HealthIndicatorRegistry],
})
export class HealthModule {}
