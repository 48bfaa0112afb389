import { Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ReceiverAuth } from '../../common/auth/decorators/receiver-auth.decorator';
import { ReceiverController } from '../../common/decorators/receiver-controller.decorator';
import { ok, type Envelope } from '../../common/envelope/envelope';
import { InvalidInputError } from '../../common/errors/receiver.errors';
import { RateLimit } from '../../common/rate-limit/decorators/rate-limit.decorator';
import { queryParam } from '../../common/request/receiver-request';
import { ApiEndpoint, ApiGroup } from '../../openapi/api-docs.decorators';
import { DeadLettersDocs } from './dead-letters.docs';
import { DeadLettersMessages } from './dead-letters.messages';
import { DeadLettersService } from './dead-letters.service';

/** Dead letters of the Redis queue (admin key): list, inspect, retry, drop; one or all of a kind. */
@ApiGroup('queue')
@ReceiverController('queue/dead-letters')
@ReceiverAuth('admin')
export class DeadLettersController {
  constructor(private readonly letters: DeadLettersService) {}

  @Get()
  @RateLimit('_queue_admin', 60)
  @ApiEndpoint(DeadLettersDocs.list)
  async list(@Req() request: unknown): Promise<Envelope> {
    const limitText = queryParam(request, 'limit') ?? '50';
    const limit = Number(limitText);
    if (!/^\d+$/.test(limitText) || limit < 1 || limit > 500) {
      throw new InvalidInputError(DeadLettersMessages.badLimit);
    }
    const { counts, letters } = await this.letters.list(queryParam(request, 'kind'), limit);
    return ok(DeadLettersMessages.listed, { counts, dead_letters: letters });
  }

  @Post(':kind/retry')
  @HttpCode(200)
  @RateLimit('_queue_admin', 60)
  @ApiEndpoint(DeadLettersDocs.retryAll)
  async retryAll(@Param('kind') kind: string): Promise<Envelope> {
    return ok(DeadLettersMessages.retriedAll, { kind, retried: await this.letters.retryAll(kind) });
  }

  @Delete(':kind')
  @HttpCode(200)
  @RateLimit('_queue_admin', 60)
  @ApiEndpoint(DeadLettersDocs.dropAll)
  async dropAll(@Param('kind') kind: string): Promise<Envelope> {
    return ok(DeadLettersMessages.droppedAll, { kind, dropped: await this.letters.dropAll(kind) });
  }

  @Get(':kind/:id')
  @RateLimit('_queue_admin', 60)
  @ApiEndpoint(DeadLettersDocs.get)
  async get(@Param('kind') kind: string, @Param('id') id: string): Promise<Envelope> {
    return ok(DeadLettersMessages.fetched, await this.letters.get(kind, id));
  }

  @Post(':kind/:id/retry')
  @HttpCode(200)
  @RateLimit('_queue_admin', 60)
  @ApiEndpoint(DeadLettersDocs.retry)
  async retry(@Param('kind') kind: string, @Param('id') id: string): Promise<Envelope> {
    return ok(DeadLettersMessages.retried, await this.letters.retry(kind, id));
  }

  @Delete(':kind/:id')
  @HttpCode(200)
  @RateLimit('_queue_admin', 60)
  @ApiEndpoint(DeadLettersDocs.drop)
  async drop(@Param('kind') kind: string, @Param('id') id: string): Promise<Envelope> {
    return ok(DeadLettersMessages.dropped, await this.letters.drop(kind, id));
  }
}
