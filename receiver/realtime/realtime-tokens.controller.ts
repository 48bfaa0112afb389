import { HttpCode, Inject, Post } from '@nestjs/common';
import { ReceiverAuth } from '../common/auth/decorators/receiver-auth.decorator';
import { ReceiverController } from '../common/decorators/receiver-controller.decorator';
import { ok, type Envelope } from '../common/envelope/envelope';
import { InvalidInputError, NotFoundError } from '../common/errors/receiver.errors';
import { Body, type JsonBody } from '../common/input/json-body.decorator';
import { RateLimit } from '../common/rate-limit/decorators/rate-limit.decorator';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { ApiEndpoint, ApiGroup } from '../openapi/api-docs.decorators';
import { ProjectsService } from '../projects/projects.service';
import { RealtimeDocs } from './realtime.docs';
import { RealtimeMessages } from './realtime.messages';
import { RealtimeTokensService } from './realtime-tokens.service';

const DEFAULT_TTL_SECONDS = 300;

/** Admin route minting realtime tokens: a server hands one to a browser, never its secret key. */
@ApiGroup('realtime')
@ReceiverController('realtime')
export class RealtimeTokensController {
  constructor(
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    private readonly projects: ProjectsService,
    private readonly tokens: RealtimeTokensService,
  ) {}

  @Post('tokens')
  @HttpCode(200)
  @RateLimit('_realtime_token', 120)
  @ReceiverAuth('admin')
  @ApiEndpoint(RealtimeDocs.token)
  async mint(@Body() body: JsonBody): Promise<Envelope> {
    const { realtime } = this.options;
    if (!realtime.enabled) throw new NotFoundError(RealtimeMessages.disabled);
    const projectId = body.project_id;
    if (typeof projectId !== 'number' || !Number.isSafeInteger(projectId) || projectId < 1) {
      throw new InvalidInputError(RealtimeMessages.badProject);
    }
    const ttl = body.ttl_seconds ?? DEFAULT_TTL_SECONDS;
    if (
      typeof ttl !== 'number' ||
      !Number.isInteger(ttl) ||
      ttl < 10 ||
      ttl > realtime.tokenMaxTtlSeconds
    ) {
      throw new InvalidInputError(RealtimeMessages.badTtl(realtime.tokenMaxTtlSeconds));
    }
    const project = await this.projects.get(projectId);
    const { token, expiresAt } = this.tokens.mint(project.id, ttl);
    return ok(RealtimeMessages.tokenMinted, {
      token,
      expires_at: new Date(expiresAt).toISOString(),
      project_id: project.id,
    });
  }
}
