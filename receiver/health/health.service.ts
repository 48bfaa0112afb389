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

/**
 * How long one check may take. A hung dependency (a stopped PostgreSQL, a frozen Redis) must not
 * hang the health endpoint itself: the check is reported `fail` as hanging and the others answer.
 */
const HEALTH_CHECK_TIMEOUT_MS = 1_500;

/**
 * Runs every registered check concurrently, each within {@link HEALTH_CHECK_TIMEOUT_MS}; a check
 * that throws or does not answer in time counts as `fail`, and says so.
 */
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
        withinTimeLimit(indicator.check()).catch((error: unknown): HealthCheckResult => ({
          status: 'fail',
          message:
            error === TIMED_OUT
              ? HealthMessages.checkTimedOut(HEALTH_CHECK_TIMEOUT_MS)
              : HealthMessages.checkThrew(String(error)),
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

const TIMED_OUT = Symbol('timed out');

function withinTimeLimit<T>(check: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(TIMED_OUT), HEALTH_CHECK_TIMEOUT_MS);
  });
  return Promise.race([check, limit]).finally(() => clearTimeout(timer));
}
