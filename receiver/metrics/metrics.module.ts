import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { PrometheusExporter } from './prometheus.exporter';

/**
 * Prometheus exposition at `/metrics` (a root module). Wired to the ingest queue (depth) and the
 * telemetry domain (latest values) in `receiver.features.ts`; the figures come from
 * `ReceiverStats` in the core.
 */
@Module({
  controllers: [MetricsController],
  providers: [PrometheusExporter],
})
export class MetricsModule {}
