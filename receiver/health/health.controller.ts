import { Get, Header, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ReceiverController } from '../common/decorators/receiver-controller.decorator';
import { HealthService } from './health.service';

/** `GET /api/health.php` (and `/api/health`): no auth, no rate limit, 503 when a check fails. */
@ReceiverController()
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get(['health.php', 'health'])
  @Header('Content-Type', 'application/json')
  async check(@Res({ passthrough: true }) response: unknown): Promise<string> {
    const report = await this.health.report();
    this.adapterHost.httpAdapter.status(response, report.status === 'healthy' ? 200 : 503);
    // Pretty-printed like the original's JSON_PRETTY_PRINT (4 spaces).
    return JSON.stringify(report, null, 4);
  }
}
