import { Get, Req } from '@nestjs/common';
import { ANALYTICS_TTL } from '../cache/analytics-cache.constants';
import { AnalyticsCacheKeys } from '../cache/analytics-cache.keys';
import { CurrentProject } from '../common/auth/decorators/receiver-auth.decorator';
import { ReceiverAuth } from '../common/auth/decorators/receiver-auth.decorator';
import { ReceiverController } from '../common/decorators/receiver-controller.decorator';
import { RateLimit } from '../common/rate-limit/decorators/rate-limit.decorator';
import { ApiEndpoint, ApiGroup } from '../openapi/api-docs.decorators';
import type { ProjectEntity } from '../storage/entities/project.entity';
import { limitValue, LIMITS, type AnalyticsQuery } from './analytics-query.params';
import { analyticsDoc } from './analytics.docs';
import { ANALYTICS_SUCCESS } from './analytics.messages';
import { AnalyticsResponder } from './analytics-responder';
import { CsvExport } from './csv/csv-export.decorator';
import { type CsvRequest, CsvRequested } from './csv/csv-requested.decorator';
import { AnalyticsRangeService } from './range/analytics-range.service';
import { TrafficReads } from './traffic-reads.service';

const TTL = ANALYTICS_TTL.standard;

const LIMIT_PARAM = { name: 'limit', description: 'Rows, 1…100 (default 20)' };

/** Traffic analytics (contract 2.5.1–2.5.8) at the `.php` paths and without `.php`. */
@ApiGroup('analytics')
@ReceiverController('analytics')
export class TrafficAnalyticsController {
  constructor(
    private readonly ranges: AnalyticsRangeService,
    private readonly responder: AnalyticsResponder,
    private readonly reads: TrafficReads,
  ) {}

  @Get(['visitors.php', 'visitors'])
  @RateLimit('_visitors', 60)
  @ReceiverAuth('secret')
  @CsvExport('visitors', ['over_time'])
  @ApiEndpoint(analyticsDoc('Visitors, pageviews, sessions, bounce rate per day', ['over_time']))
  visitors(
    @CurrentProject() project: ProjectEntity,
    @Req() query: AnalyticsQuery,
    @CsvRequested() csv: CsvRequest | undefined,
  ) {
    const range = this.ranges.parse(query);
    const key = AnalyticsCacheKeys.plain('visitors', project.id, range.label);
    return this.responder.respond(
      ANALYTICS_SUCCESS.visitors,
      range,
      key,
      TTL,
      { csv, cookieless: project.cookieless },
      () => this.reads.visitors(project.id, range),
    );
  }

  @Get(['visitors-returning.php', 'visitors-returning'])
  @RateLimit('_visitors_returning', 60)
  @ReceiverAuth('secret')
  @CsvExport('visitors-returning', ['over_time'])
  @ApiEndpoint(analyticsDoc('New and returning visitors', ['over_time']))
  returning(
    @CurrentProject() project: ProjectEntity,
    @Req() query: AnalyticsQuery,
    @CsvRequested() csv: CsvRequest | undefined,
  ) {
    const range = this.ranges.parse(query);
    const key = AnalyticsCacheKeys.plain('returning', project.id, range.label);
    return this.responder.respond(
      ANALYTICS_SUCCESS.returning,
      range,
      key,
      TTL,
      { csv, cookieless: project.cookieless },
      () => this.reads.returning(project.id, range),
    );
  }

  @Get(['sessions.php', 'sessions'])
  @RateLimit('_sessions', 60)
  @ReceiverAuth('secret')
  @CsvExport('sessions', ['over_time'])
  @ApiEndpoint(analyticsDoc('Sessions, durations, pages per session', ['over_time']))
  sessions(
    @CurrentProject() project: ProjectEntity,
    @Req() query: AnalyticsQuery,
    @CsvRequested() csv: CsvRequest | undefined,
  ) {
    const range = this.ranges.parse(query);
    const key = AnalyticsCacheKeys.plain('sessions', project.id, range.label);
    return this.responder.respond(ANALYTICS_SUCCESS.sessions, range, key, TTL, { csv }, () =>
      this.reads.sessions(project.id, range),
    );
  }

  @Get(['pages.php', 'pages'])
  @RateLimit('_pages', 60)
  @ReceiverAuth('secret')
  @CsvExport('pages', ['pages'])
  @ApiEndpoint(analyticsDoc('Top pages by (url, title)', ['pages'], [LIMIT_PARAM]))
  pages(
    @CurrentProject() project: ProjectEntity,
    @Req() query: AnalyticsQuery,
    @CsvRequested() csv: CsvRequest | undefined,
  ) {
    const range = this.ranges.parse(query);
    const limit = limitValue(query, LIMITS.pages.fallback, LIMITS.pages.max);
    const key = AnalyticsCacheKeys.pages(project.id, range.label, limit);
    return this.responder.respond(ANALYTICS_SUCCESS.pages, range, key, TTL, { csv }, () =>
      this.reads.pages(project.id, range, limit),
    );
  }

  @Get(['devices.php', 'devices'])
  @RateLimit('_devices', 60)
  @ReceiverAuth('secret')
  @CsvExport('devices', ['by_device', 'by_os', 'by_browser'])
  @ApiEndpoint(
    analyticsDoc('Pageviews by device type, OS, browser', ['by_device', 'by_os', 'by_browser']),
  )
  devices(
    @CurrentProject() project: ProjectEntity,
    @Req() query: AnalyticsQuery,
    @CsvRequested() csv: CsvRequest | undefined,
  ) {
    const range = this.ranges.parse(query);
    const key = AnalyticsCacheKeys.plain('devices', project.id, range.label);
    return this.responder.respond(ANALYTICS_SUCCESS.devices, range, key, TTL, { csv }, () =>
      this.reads.devices(project.id, range),
    );
  }

  @Get(['locations.php', 'locations'])
  @RateLimit('_locations', 60)
  @ReceiverAuth('secret')
  @CsvExport('locations', ['by_country', 'by_region', 'by_city'])
  @ApiEndpoint(
    analyticsDoc('Pageviews by country, region, city', ['by_country', 'by_region', 'by_city']),
  )
  locations(
    @CurrentProject() project: ProjectEntity,
    @Req() query: AnalyticsQuery,
    @CsvRequested() csv: CsvRequest | undefined,
  ) {
    const range = this.ranges.parse(query);
    const key = AnalyticsCacheKeys.plain('locations', project.id, range.label);
    return this.responder.respond(ANALYTICS_SUCCESS.locations, range, key, TTL, { csv }, () =>
      this.reads.locations(project.id, range),
    );
  }

  @Get(['referrers.php', 'referrers'])
  @RateLimit('_referrers', 60)
  @ReceiverAuth('secret')
  @CsvExport('referrers', ['by_category', 'top_referrers'])
  @ApiEndpoint(
    analyticsDoc('Referrer categories and top referrers', ['by_category', 'top_referrers']),
  )
  referrers(
    @CurrentProject() project: ProjectEntity,
    @Req() query: AnalyticsQuery,
    @CsvRequested() csv: CsvRequest | undefined,
  ) {
    const range = this.ranges.parse(query);
    const key = AnalyticsCacheKeys.plain('referrers', project.id, range.label);
    return this.responder.respond(ANALYTICS_SUCCESS.referrers, range, key, TTL, { csv }, () =>
      this.reads.referrers(project.id, range),
    );
  }

  @Get(['utm.php', 'utm'])
  @RateLimit('_utm', 60)
  @ReceiverAuth('secret')
  @CsvExport('utm', ['campaigns'])
  @ApiEndpoint(analyticsDoc('Pageviews by UTM source, medium, campaign', ['campaigns']))
  utm(
    @CurrentProject() project: ProjectEntity,
    @Req() query: AnalyticsQuery,
    @CsvRequested() csv: CsvRequest | undefined,
  ) {
    const range = this.ranges.parse(query);
    const key = AnalyticsCacheKeys.plain('utm', project.id, range.label);
    return this.responder.respond(ANALYTICS_SUCCESS.utm, range, key, TTL, { csv }, () =>
      this.reads.utm(project.id, range),
    );
  }
}
