import { Module, OnModuleInit } from '@nestjs/common';
import { HealthIndicatorRegistry } from '../health/health-indicator.registry';
import { GeoIpHealthIndicator } from './geoip.health-indicator';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import { GeoIpService } from './geoip.service';
import { RequestEnricher } from './request.enricher';
import { UserAgentParser } from './user-agent.parser';

/** User agent, GeoIP, bot and IP enrichment, shared by tracking and link clicks. */
@Module({
  providers: [
    {
      provide: UserAgentParser,
      inject: [RECEIVER_OPTIONS],
      useFactory: (options: ResolvedReceiverOptions) =>
        new UserAgentParser(options.userAgentDetail),
    },
    {
      provide: GeoIpService,
      inject: [RECEIVER_OPTIONS],
      useFactory: (options: ResolvedReceiverOptions) => new GeoIpService(options.geoipDatabase),
    },
    RequestEnricher,
  ],
  exports: [UserAgentParser, GeoIpService, RequestEnricher],
})
export class EnrichmentModule implements OnModuleInit {
  constructor(
    private readonly geoip: GeoIpService,
    private readonly health: HealthIndicatorRegistry,
  ) {}

  /** The loaded reader knows more than the file check of the core: it replaces `geoip`. */
  onModuleInit(): void {
    this.health.register(new GeoIpHealthIndicator(this.geoip));
  }
}
