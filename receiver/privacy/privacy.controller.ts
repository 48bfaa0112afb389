import { Delete, Get, HttpCode, Inject, Param, Req } from '@nestjs/common';
import { ReceiverAuth } from '../common/auth/decorators/receiver-auth.decorator';
import { ReceiverController } from '../common/decorators/receiver-controller.decorator';
import { ok, type Envelope } from '../common/envelope/envelope';
import { phpTrim, truncateBytes } from '../common/input/php-input';
import { RateLimit } from '../common/rate-limit/decorators/rate-limit.decorator';
import { header, queryParam } from '../common/request/receiver-request';
import { formatDateTime } from '../common/time/receiver-time';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { sha256Hex } from '../enrichment/sha256';
import { ApiEndpoint, ApiGroup } from '../openapi/api-docs.decorators';
import type { PersonalDataSubject } from './interfaces/personal-data-owner.interface';
import { parseActorSubject, parsePage, parseProjectId, parseVisitorSubject } from './privacy-input';
import { REQUESTED_BY_HEADER, REQUESTED_BY_MAX_BYTES } from './privacy.constants';
import { PrivacyDocs } from './privacy.docs';
import { PrivacyMessages } from './privacy.messages';
import { type PrivacyRequester, PrivacyService } from './privacy.service';

/**
 * Requests of the people whose data the receiver stores (GDPR Articles 15 and 17), answered by
 * an admin: export or erase one visitor, or one actor's audit events, and the log of them.
 */
@ApiGroup('privacy')
@ReceiverController('privacy')
@ReceiverAuth('admin')
export class PrivacyController {
  private readonly credential: string;

  constructor(
    private readonly privacy: PrivacyService,
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
  ) {
    // Names the key without revealing it: a rotated admin key shows up as a new credential.
    this.credential = `admin-key:${sha256Hex(options.adminKey).slice(0, 12)}`;
  }

  @Get('visitors/:visitorId')
  @RateLimit('_privacy_read', 30)
  @ApiEndpoint(PrivacyDocs.exportVisitor)
  async exportVisitor(
    @Param('visitorId') visitorId: string,
    @Req() request: unknown,
  ): Promise<Envelope> {
    const subject = this.visitor(request, visitorId);
    const { requestId, rows, data } = await this.privacy.export(subject, this.requester(request));
    return ok(PrivacyMessages.visitorExported, {
      request_id: requestId,
      project_id: subject.projectId,
      visitor_id: subject.visitorId,
      rows,
      tables: data,
    });
  }

  @Delete('visitors/:visitorId')
  @HttpCode(200)
  @RateLimit('_privacy_erase', 10)
  @ApiEndpoint(PrivacyDocs.eraseVisitor)
  async eraseVisitor(
    @Param('visitorId') visitorId: string,
    @Req() request: unknown,
  ): Promise<Envelope> {
    const subject = this.visitor(request, visitorId);
    return this.erased(PrivacyMessages.visitorErased, subject, request);
  }

  @Get('audits')
  @RateLimit('_privacy_read', 30)
  @ApiEndpoint(PrivacyDocs.exportAudits)
  async exportAudits(@Req() request: unknown): Promise<Envelope> {
    const subject = this.actor(request);
    const { requestId, rows, data } = await this.privacy.export(subject, this.requester(request));
    return ok(PrivacyMessages.auditsExported, {
      request_id: requestId,
      project_id: subject.projectId,
      rows,
      tables: data,
    });
  }

  @Delete('audits')
  @HttpCode(200)
  @RateLimit('_privacy_erase', 10)
  @ApiEndpoint(PrivacyDocs.eraseAudits)
  async eraseAudits(@Req() request: unknown): Promise<Envelope> {
    return this.erased(PrivacyMessages.auditsErased, this.actor(request), request);
  }

  @Get('requests')
  @RateLimit('_privacy_read', 30)
  @ApiEndpoint(PrivacyDocs.requests)
  async requests(@Req() request: unknown): Promise<Envelope> {
    const project = queryParam(request, 'project');
    const projectId = project === undefined ? undefined : parseProjectId(project);
    const { page, limit } = parsePage(queryParam(request, 'page'), queryParam(request, 'limit'));
    const { total, entries } = await this.privacy.requestLog(projectId, page, limit);
    return ok(PrivacyMessages.requestsListed, {
      total,
      page,
      limit,
      requests: entries.map((entry) => ({
        id: entry.id,
        project_id: entry.project_id,
        action: entry.action,
        subject_type: entry.subject_type,
        subject_hash: entry.subject_hash,
        requested_by: entry.requested_by,
        credential: entry.credential,
        rows: entry.row_counts,
        created_at: formatDateTime(entry.created_at, this.options.timezone),
      })),
    });
  }

  private async erased(
    message: string,
    subject: PersonalDataSubject,
    request: unknown,
  ): Promise<Envelope> {
    const { requestId, rows } = await this.privacy.erase(subject, this.requester(request));
    return ok(message, { request_id: requestId, project_id: subject.projectId, rows });
  }

  private visitor(request: unknown, visitorId: string) {
    const projectId = parseProjectId(queryParam(request, 'project'));
    return parseVisitorSubject(projectId, visitorId, queryParam(request, 'ip'));
  }

  private actor(request: unknown) {
    const projectId = parseProjectId(queryParam(request, 'project'));
    return parseActorSubject(projectId, queryParam(request, 'actor'));
  }

  private requester(request: unknown): PrivacyRequester {
    return {
      requestedBy: truncateBytes(
        phpTrim(header(request, REQUESTED_BY_HEADER)),
        REQUESTED_BY_MAX_BYTES,
      ),
      credential: this.credential,
    };
  }
}
