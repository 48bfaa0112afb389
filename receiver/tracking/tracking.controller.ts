import { HttpCode, Post, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  Body,
  Client,
  type ClientContext,
  CurrentKeyType,
  CurrentProject,
  ok,
  RateLimit,
  ReceiverAuth,
  ReceiverController,
  type Envelope,
  type JsonBody,
} from '../common';
import { RequestEnricher } from '../enrichment/request.enricher';
import { ApiEndpoint, ApiGroup } from '../openapi/api-docs.decorators';
import type { ProjectEntity } from '../storage/entities';
import { ErrorStatusService } from './error-status.service';
import { TrackingDocs } from './tracking.docs';
import { TrackingMessages } from './tracking.messages';
import { TrackingService } from './tracking.service';
import { validateAudit } from './validation/audit.validator';
import { validateStatusChange } from './validation/error-status.validator';
import { validateError } from './validation/error.validator';
import { validatePageview } from './validation/pageview.validator';
import { NotFoundError, ReceiverError } from '../common/errors/receiver.errors';
import { isStorageFault } from '../storage/storage-fault';

const QUEUED = { queued: true } as const;

/** The answer of a pageview handled in cookieless mode: our snippet then stores nothing. */
const QUEUED_COOKIELESS = { queued: true, cookieless: true } as const;

/**
 * The Micrologs tracking endpoints (contract 2.2), at their `.php` paths and without the suffix.
 * Rate limit → key → body → validation run in the contract's order through the receiver pipeline.
 */
@ApiGroup('tracking')
@ReceiverController('track')
export class TrackingController {
  constructor(
    private readonly tracking: TrackingService,
    private readonly errorStatus: ErrorStatusService,
    private readonly enricher: RequestEnricher,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Post(['pageview.php', 'pageview'])
  @HttpCode(202)
  @RateLimit('_pageview', 60)
  @ReceiverAuth('public')
  @ApiEndpoint(TrackingDocs.pageview)
  async pageview(
    @Body() body: JsonBody,
    @CurrentProject() project: ProjectEntity,
    @Client() client: ClientContext,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<Envelope<typeof QUEUED | typeof QUEUED_COOKIELESS> | undefined> {
    const cookieless = project.cookieless || body.cookieless === true;
    const valid = validatePageview(body, cookieless);
    // Bots are filtered after validation: invalid bot requests still get their 4xx.
    if (!client.testMode && this.enricher.isBot(client)) {
      this.adapterHost.httpAdapter.status(response, 204);
      return undefined;
    }
    await this.tracking.pageview(client, { projectId: project.id, cookieless }, valid);
    return ok(TrackingMessages.accepted, cookieless ? QUEUED_COOKIELESS : QUEUED);
  }

  @Post(['error.php', 'error'])
  @HttpCode(202)
  @RateLimit('_errors', 60)
  @ReceiverAuth('either')
  @ApiEndpoint(TrackingDocs.error)
  async error(
    @Body() body: JsonBody,
    @CurrentProject() project: ProjectEntity,
    @Client() client: ClientContext,
    @CurrentKeyType() keyType: 'secret' | 'public' | undefined,
  ): Promise<Envelope<typeof QUEUED>> {
    const valid = validateError(body, project.id, keyType === 'secret');
    await this.tracking.error(client, project.id, valid);
    return ok(TrackingMessages.accepted, QUEUED);
  }

  @Post(['audit.php', 'audit'])
  @HttpCode(202)
  @RateLimit('_audit', 60)
  @ReceiverAuth('either')
  @ApiEndpoint(TrackingDocs.audit)
  async audit(
    @Body() body: JsonBody,
    @CurrentProject() project: ProjectEntity,
    @Client() client: ClientContext,
  ): Promise<Envelope<typeof QUEUED>> {
    await this.tracking.audit(client, project.id, validateAudit(body));
    return ok(TrackingMessages.accepted, QUEUED);
  }

  @Post(['errors-update-status.php', 'errors-update-status'])
  @HttpCode(200)
  @RateLimit('_errors_update_status', 30)
  @ReceiverAuth('secret')
  @ApiEndpoint(TrackingDocs.updateStatus)
  async updateStatus(
    @Body() body: JsonBody,
    @CurrentProject() project: ProjectEntity,
  ): Promise<Envelope> {
    const { status, ids } = validateStatusChange(body);
    let result;
    try {
      result = await this.errorStatus.setStatus(project.id, ids, status);
    } catch (error) {
      if (isStorageFault(error)) throw error; // 503 with Retry-After, not a 500
      throw new ReceiverError('failed', TrackingMessages.updateFailed);
    }
    if (!result) throw new NotFoundError(TrackingMessages.noMatchingGroups);
    const data: Record<string, unknown> = { updated: result.updated, ids: result.ids, status };
    if (result.notFound.length > 0) data.not_found = result.notFound;
    return ok(TrackingMessages.statusUpdated(result.updated, status, result.notFound.length), data);
  }
}
