import { Get, Req } from '@nestjs/common';
import { ANALYTICS_TTL } from '../cache/analytics-cache.constants';
import { AnalyticsCacheKeys } from '../cache/analytics-cache.keys';
import { CurrentProject } from '../common/auth/decorators/receiver-auth.decorator';
import { ReceiverAuth } from '../common/auth/decorators/receiver-auth.decorator';
import { ReceiverController } from '../common/decorators/receiver-controller.decorator';
import { InvalidInputError } from '../common/errors/receiver.errors';
import { RateLimit } from '../common/rate-limit/decorators/rate-limit.decorator';
import { ApiEndpoint, ApiGroup } from '../openapi/api-docs.decorators';
import type { ProjectEntity } from '../storage/entities/project.entity';
import { limitValue, LIMITS, queryValue, type AnalyticsQuery } from './analytics-query.params';
import { analyticsDoc } from './analytics.docs';
import { ANALYTICS_MESSAGES, ANALYTICS_SUCCESS } from './analytics.messages';
import { AnalyticsResponder } from './analytics-responder';
import { CsvExport } from './csv/csv-export.decorator';
import { type CsvRequest, CsvRequested } from './csv/csv-requested.decorator';
import { RETENTION_PERIOD_DAYS, type RetentionPeriod } from './queries/retention.queries';
import { TrafficReads } from './traffic-reads.service';
import { AnalyticsRangeService } from './range/analytics-range.service';

const PERIODS = Object.keys(RETENTION_PERIOD_DAYS) as RetentionPeriod[];

/** `period`: absent → weekly; anything but `day`/`week` is a 400 (a new endpoint, no legacy). */
function periodValue(query: AnalyticsQuery): RetentionPeriod {
  const value = queryValue(query, 'period') ?? 'week';
  if (!(PERIODS as string[]).includes(value)) {
    throw new InvalidInputError(ANALYTICS_MESSAGES.retentionPeriod);
  }
  return value as RetentionPeriod;
}

/** Retention cohorts (Micrologs lists them "under consideration"; not in the contract). */
@ApiGroup('analytics')
@ReceiverController('analytics')
export class RetentionAnalyticsController {
  constructor(
    private readonly ranges: AnalyticsRangeService,
    private readonly responder: AnalyticsResponder,
    private readonly reads: TrafficReads,
  ) {}

  @Get(['retention.php', 'retention'])
  @RateLimit('_retention', 60)
  @ReceiverAuth('secret')
  @CsvExport('retention', ['retention', 'cohorts'])
  @ApiEndpoint(
    analyticsDoc(
      'Cohorts of first-time visitors by day or week, and how many came back in each later period',
      ['retention', 'cohorts'],
      [
        { name: 'period', description: 'Cohort length (default week)', enum: PERIODS },
        {
          name: 'periods',
          description: `Later periods per cohort, 1…${LIMITS.retentionPeriods.max} (default ${LIMITS.retentionPeriods.fallback})`,
        },
      ],
    ),
  )
  retention(
    @CurrentProject() project: ProjectEntity,
    @Req() query: AnalyticsQuery,
    @CsvRequested() csv: CsvRequest | undefined,
  ) {
    const range = this.ranges.parse(query);
    const period = periodValue(query);
    const { fallback, max } = LIMITS.retentionPeriods;
    const periods = limitValue(query, fallback, max, 'periods');
    const key = AnalyticsCacheKeys.retention(project.id, range.label, period, periods);
    return this.responder.respond(
      ANALYTICS_SUCCESS.retention,
      range,
      key,
      ANALYTICS_TTL.standard,
      { csv, cookieless: project.cookieless },
      () => this.reads.retention(project.id, range, period, periods),
    );
  }
}
