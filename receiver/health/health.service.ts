import { Inject, Injectable } from '@nestjs/common';
import { formatDateTime } from '../common/time/receiver-time';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import { HealthIndicatorRegistry } from './health-indicator.registry';
import { HealthMessages } from './health.messages';
import type { HealthCheckResult } from './interfaces/health-indicator.interface';

/** The health document of contract 2.6. */
export interface HealthReport {
  status: 'healthy' | 'unhealthy';
  timestamp: string;
  checks: Record<string, HealthCheckResult>;
}

/** Runs every registered check concurrently; a check that throws counts as `fail`. */
@Injectable()
export class HealthService {
  constructor(
    private readonly registry: HealthIndicatorRegistry,
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
  ) {}

  async report(): Promise<HealthReport> {
    const indicators = this.registry.all();
    const results = await Promise.all(
      indicators.map((indicator) =>
        indicator.check().catch((error: unknown): HealthCheckResult => ({
          status: 'fail',
          message: HealthMessages.checkThrew(String(error)),
        })),
      ),
    );
    const checks: Record<string, HealthCheckResult> = {};
    indicators.forEach((indicator, i) => (checks[indicator.name] = results[i]));
    return {
      status: results.some((result) => result.status === 'fail') ? 'unhealthy' : 'healthy',
      timestamp: formatDateTime(new Date(), this.options.timezone),
      checks,
    };
  }
}
