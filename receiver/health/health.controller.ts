import { Get, Header, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ReceiverController } from '../common/decorators/receiver-controller.decorator';
import { ApiEndpoint, ApiGroup } from '../openapi/api-docs.decorators';
import { HealthService } from './health.service';

/** `GET /api/health.php` (and `/api/health`): no auth, no rate limit, 503 when a check fails. */
@ApiGroup('health')
@ReceiverController()
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get(['health.php', 'health'])
  @Header('Content-Type', 'application/json')
  @ApiEndpoint({
    summary: 'Health of the receiver and its dependencies (no auth)',
    description:
      'Checks `php` (the Node.js runtime), `database`, `valkey` (Redis), `geoip` (only warns) and ' +
      'those features register; each `{status: ok|warn|fail, message}`. Not an envelope.',
    success: {
      status: 200,
      description: '`{status: "healthy", timestamp, checks: {name: {status, message}}}`',
    },
    errors: { 503: '`status: "unhealthy"`: at least one check failed' },
    rateLimited: false,
  })
  async check(@Res({ passthrough: true }) response: unknown): Promise<string> {
    const report = await this.health.report();
    this.adapterHost.httpAdapter.status(response, report.status === 'healthy' ? 200 : 503);
    // Pretty-printed like the original's JSON_PRETTY_PRINT (4 spaces).
    return JSON.stringify(report, null, 4);
  }
}
