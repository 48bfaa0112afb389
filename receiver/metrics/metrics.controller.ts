import { Controller, Get, Inject, Req, Res, UseFilters } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { secretsEqual } from '../common/auth/constant-time';
import { ReceiverHttpException } from '../common/envelope/envelope';
import { NotFoundError } from '../common/errors/receiver.errors';
import { ReceiverExceptionFilter } from '../common/filters/receiver-exception.filter';
import { header } from '../common/request/receiver-request';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { ApiEndpoint, ApiGroup } from '../openapi/api-docs.decorators';
import { MetricsMessages } from './metrics.messages';
import { PrometheusExporter } from './prometheus.exporter';

/**
 * `/metrics` at the application root, where Prometheus looks by default. Not rate-limited (a
 * scraper calls it every few seconds); the bearer token is compared in constant time.
 */
@ApiGroup('metrics')
@Controller('metrics')
@UseFilters(ReceiverExceptionFilter)
export class MetricsController {
  constructor(
    private readonly exporter: PrometheusExporter,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
  ) {}

  @Get()
  @ApiEndpoint({
    summary: 'Prometheus exposition: latest telemetry values and the receiver’s own figures',
    description:
      'Text format 0.0.4. Off (404) unless the `metrics.token` option is set; needs `prom-client`.',
    auth: 'metrics',
    success: { status: 200, description: 'text/plain; version=0.0.4' },
    errors: { 401: 'Missing or wrong bearer token', 404: 'Metrics are off' },
    rateLimited: false,
  })
  async scrape(
    @Req() request: unknown,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<string> {
    const token = this.options.metricsToken;
    if (!token || !this.exporter.enabled) throw new NotFoundError(MetricsMessages.off);
    const given = /^Bearer\s+(.+)$/i.exec(header(request, 'authorization'))?.[1]?.trim() ?? '';
    if (!given || !secretsEqual(given, token)) {
      throw new ReceiverHttpException(401, MetricsMessages.unauthorized);
    }
    const exposition = await this.exporter.scrape();
    this.adapterHost.httpAdapter.setHeader(response, 'Content-Type', exposition.contentType);
    return exposition.body;
  }
}
