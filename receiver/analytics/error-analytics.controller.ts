import { Get, Req } from '@nestjs/common';
import { ANALYTICS_TTL } from '../cache/analytics-cache.constants';
import { AnalyticsCacheKeys } from '../cache/analytics-cache.keys';
import { CurrentProject } from '../common/auth/decorators/receiver-auth.decorator';
import { ReceiverAuth } from '../common/auth/decorators/receiver-auth.decorator';
import { ReceiverController } from '../common/decorators/receiver-controller.decorator';
import { RateLimit } from '../common/rate-limit/decorators/rate-limit.decorator';
import { ApiEndpoint, ApiGroup } from '../openapi/api-docs.decorators';
import type { ProjectEntity } from '../storage/entities/project.entity';
import {
  enumValue,
  ERROR_ENVIRONMENTS,
  ERROR_SEVERITIES,
  ERROR_STATUSES,
  intValue,
  limitValue,
  LIMITS,
  queryValue,
  trimmedValue,
  type AnalyticsQuery,
} from './analytics-query.params';
import { analyticsDoc } from './analytics.docs';
import { ANALYTICS_MESSAGES, ANALYTICS_SUCCESS } from './analytics.messages';
import { AnalyticsResponder } from './analytics-responder';
import { CsvExport } from './csv/csv-export.decorator';
import { type CsvRequest, CsvRequested } from './csv/csv-requested.decorator';
import { AuditReads } from './audit-reads.service';
import { ErrorReads } from './error-reads.service';
import { AnalyticsRangeService } from './range/analytics-range.service';
import { InvalidInputError } from '../common/errors/receiver.errors';
import { AnalyticsCache } from '../cache/analytics-cache.service';

/** Error and audit analytics (contract 2.5.9–2.5.12). */
@ApiGroup('analytics')
@ReceiverController('analytics')
export class ErrorAnalyticsController {
  constructor(
    private readonly ranges: AnalyticsRangeService,
    private readonly responder: AnalyticsResponder,
    private readonly errorReads: ErrorReads,
    private readonly auditReads: AuditReads,
    private readonly cache: AnalyticsCache,
  ) {}

  @Get(['errors.php', 'errors'])
  @RateLimit('_errors_analytics', 60)
  @ReceiverAuth('secret')
  @CsvExport('errors', ['errors'])
  @ApiEndpoint(
    analyticsDoc(
      'Error groups seen in range, with a status/severity summary',
      ['errors'],
      [
        { name: 'status', description: 'Filter (invalid = no filter)', enum: ERROR_STATUSES },
        { name: 'severity', description: 'Filter (invalid = no filter)', enum: ERROR_SEVERITIES },
        {
          name: 'environment',
          description: 'Filter (invalid = no filter)',
          enum: ERROR_ENVIRONMENTS,
        },
        { name: 'limit', description: 'Rows, 1…100 (default 50)' },
      ],
    ),
  )
  errors(
    @CurrentProject() project: ProjectEntity,
    @Req() query: AnalyticsQuery,
    @CsvRequested() csv: CsvRequest | undefined,
  ) {
    const range = this.ranges.parse(query);
    const filters = {
      status: enumValue(query, 'status', ERROR_STATUSES),
      severity: enumValue(query, 'severity', ERROR_SEVERITIES),
      environment: enumValue(query, 'environment', ERROR_ENVIRONMENTS),
    };
    const limit = limitValue(query, LIMITS.errors.fallback, LIMITS.errors.max);
    const key = AnalyticsCacheKeys.errors(project.id, range.label, filters, limit);
    return this.responder.respond(
      ANALYTICS_SUCCESS.errors,
      range,
      key,
      ANALYTICS_TTL.errors,
      { csv },
      () => this.errorReads.errors(project.id, range, filters, limit),
    );
  }

  @Get(['errors-trend.php', 'errors-trend'])
  @RateLimit('_errors_trend', 60)
  @ReceiverAuth('secret')
  @CsvExport('errors-trend', ['over_time', 'top_groups'])
  @ApiEndpoint(
    analyticsDoc(
      'Error occurrences per day and the top groups',
      ['over_time', 'top_groups'],
      [{ name: 'group_id', description: 'Restrict to one error group' }],
    ),
  )
  trend(
    @CurrentProject() project: ProjectEntity,
    @Req() query: AnalyticsQuery,
    @CsvRequested() csv: CsvRequest | undefined,
  ) {
    const range = this.ranges.parse(query);
    // Stricter than the original: a non-numeric group_id means "no filter" and echoes null, not 0.
    const groupId = intValue(queryValue(query, 'group_id')) || null;
    const key = AnalyticsCacheKeys.errorsTrend(project.id, range.label, groupId);
    return this.responder.respond(
      ANALYTICS_SUCCESS.errorsTrend,
      range,
      key,
      ANALYTICS_TTL.errors,
      { csv },
      () => this.errorReads.trend(project.id, range, groupId),
    );
  }

  @Get(['error-detail.php', 'error-detail'])
  @RateLimit('_error_detail', 60)
  @ReceiverAuth('secret')
  @CsvExport('error-detail', ['events', 'over_time'], ['device', 'location'])
  @ApiEndpoint(
    analyticsDoc(
      'One error group with its recent events',
      ['events', 'over_time'],
      [{ name: 'id', description: 'Error group id', required: true }],
      { 404: 'Error group not found' },
    ),
  )
  async detail(
    @CurrentProject() project: ProjectEntity,
    @Req() query: AnalyticsQuery,
    @CsvRequested() csv: CsvRequest | undefined,
  ) {
    const range = this.ranges.parse(query);
    const id = intValue(queryValue(query, 'id'));
    if (id === 0) throw new InvalidInputError(ANALYTICS_MESSAGES.idRequired);
    const key = AnalyticsCacheKeys.errorDetail(project.id, id, range.label);
    return this.responder.respondAbout(
      ANALYTICS_SUCCESS.errorDetail,
      range,
      {
        key,
        find: () => this.errorReads.findGroup(project.id, id),
        keyOf: () => key,
        forget: () => this.cache.invalidateErrorGroups(project.id, [id]),
        notFound: ANALYTICS_MESSAGES.errorGroupNotFound,
      },
      ANALYTICS_TTL.errors,
      { csv },
      (group) => this.errorReads.detail(project.id, group, range),
    );
  }

  @Get(['audits.php', 'audits'])
  @RateLimit('_audits', 60)
  @ReceiverAuth('secret')
  @CsvExport('audits', ['logs', 'top_actions'])
  @ApiEndpoint(
    analyticsDoc(
      'Audit log entries and the most frequent actions',
      ['logs', 'top_actions'],
      [
        { name: 'action', description: 'Exact action filter' },
        { name: 'actor', description: 'Exact actor filter' },
        { name: 'limit', description: 'Rows, 1…200 (default 50)' },
      ],
    ),
  )
  audits(
    @CurrentProject() project: ProjectEntity,
    @Req() query: AnalyticsQuery,
    @CsvRequested() csv: CsvRequest | undefined,
  ) {
    const range = this.ranges.parse(query);
    const action = trimmedValue(query, 'action');
    const actor = trimmedValue(query, 'actor');
    const limit = limitValue(query, LIMITS.audits.fallback, LIMITS.audits.max);
    const key = AnalyticsCacheKeys.audits(project.id, range.label, action, actor, limit);
    return this.responder.respond(
      ANALYTICS_SUCCESS.audits,
      range,
      key,
      ANALYTICS_TTL.standard,
      { csv },
      () => this.auditReads.audits(project.id, range, action, actor, limit),
    );
  }
}
