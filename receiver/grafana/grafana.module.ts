import { Module } from '@nestjs/common';
import { GrafanaController } from './grafana.controller';
import { GrafanaQueryService } from './grafana-query.service';

/**
 * The Grafana JSON datasource (docs/grafana.md). Wired to the analytics reads and the telemetry
 * values in `receiver.features.ts`.
 */
@Module({
  controllers: [GrafanaController],
  providers: [GrafanaQueryService],
})
export class GrafanaModule {}
