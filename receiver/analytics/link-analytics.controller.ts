import { Get, Req } from '@nestjs/common';
import { ANALYTICS_TTL } from '../cache/analytics-cache.constants';
import { AnalyticsCacheKeys } from '../cache/analytics-cache.keys';
import { CurrentProject } from '../common/auth/decorators/receiver-auth.decorator';
import { ReceiverAuth } from '../common/auth/decorators/receiver-auth.decorator';
import { ReceiverController } from '../common/decorators/receiver-controller.decorator';
import { RateLimit } from '../common/rate-limit/decorators/rate-limit.decorator';
import { ApiEndpoint, ApiGroup } from '../openapi/api-docs.decorators';
import type { ProjectEntity } from '../storage/entities/project.entity';
import { trimmedValue, type AnalyticsQuery } from './analytics-query.params';
import { analyticsDoc } from './analytics.docs';
import { ANALYTICS_MESSAGES, ANALYTICS_SUCCESS } from './analytics.messages';
import { AnalyticsResponder } from './analytics-responder';
import { CsvExport } from './csv/csv-export.decorator';
import { type CsvRequest, CsvRequested } from './csv/csv-requested.decorator';
import { LinkReads } from './link-reads.service';
import { AnalyticsRangeService } from './range/analytics-range.service';
import { InvalidInputError } from '../common/errors/receiver.errors';
import { AnalyticsCache } from '../cache/analytics-cache.service';

const TTL = ANALYTICS_TTL.standard;

/** Link click analytics (contract 2.5.13, 2.5.14). */
@ApiGroup('analytics')
@ReceiverController('analytics')
export class LinkAnalyticsController {
  constructor(
    private readonly ranges: AnalyticsRangeService,
    private readonly responder: AnalyticsResponder,
    private readonly linkReads: LinkReads,
    private readonly cache: AnalyticsCache,
  ) {}

  @Get(['links.php', 'links'])
  @RateLimit('_links', 60)
  @ReceiverAuth('secret')
  @CsvExport('links', ['links'])
  @ApiEndpoint(analyticsDoc('Every link of the project with its clicks in range', ['links']))
  links(
    @CurrentProject() project: ProjectEntity,
    @Req() query: AnalyticsQuery,
    @CsvRequested() csv: CsvRequest | undefined,
  ) {
    const range = this.ranges.parse(query);
    const key = AnalyticsCacheKeys.plain('links', project.id, range.label);
    return this.responder.respond(ANALYTICS_SUCCESS.links, range, key, TTL, { csv }, () =>
      this.linkReads.links(project.id, range),
    );
  }

  @Get(['link-detail.php', 'link-detail'])
  @RateLimit('_link_detail', 60)
  @ReceiverAuth('secret')
  @CsvExport('link-detail', ['over_time', 'by_country', 'by_referrer', 'by_device'])
  @ApiEndpoint(
    analyticsDoc(
      'Clicks of one link by day, country, referrer category and device',
      ['over_time', 'by_country', 'by_referrer', 'by_device'],
      [{ name: 'code', description: 'Link code', required: true }],
      { 404: 'Link not found' },
    ),
  )
  async detail(
    @CurrentProject() project: ProjectEntity,
    @Req() query: AnalyticsQuery,
    @CsvRequested() csv: CsvRequest | undefined,
  ) {
    const range = this.ranges.parse(query);
    const code = trimmedValue(query, 'code');
    if (!code) throw new InvalidInputError(ANALYTICS_MESSAGES.codeRequired);
    return this.responder.respondAbout(
      ANALYTICS_SUCCESS.linkDetail,
      range,
      {
        key: AnalyticsCacheKeys.linkDetail(project.id, code, range.label),
        find: () => this.linkReads.findLink(project.id, code),
        // Codes match case-insensitively: the answer is kept under the link's own spelling.
        keyOf: (link) => AnalyticsCacheKeys.linkDetail(project.id, String(link.code), range.label),
        forget: (link) => this.cache.invalidateLinkDetail(project.id, String(link.code)),
        notFound: ANALYTICS_MESSAGES.linkNotFound,
      },
      TTL,
      { csv },
      (link) => this.linkReads.detail(link, range),
    );
  }
}
