import { createHash } from 'node:crypto';
import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RECEIVER_OPTIONS } from '../../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../../config/receiver-options.interface';
import { CommonMessages } from '../common.messages';
import { ReceiverRawHttpException } from '../envelope/envelope';
import { clientIp } from '../request/client-ip';
import { receiverState } from '../request/receiver-request';
import { isTestModeRequest } from '../request/client-context';
import {
  RATE_LIMIT_BLOCK_SECONDS,
  RATE_LIMIT_METADATA,
  RATE_LIMIT_WINDOW_SECONDS,
  type RateLimitDefinition,
} from './decorators/rate-limit.decorator';
import { RATE_LIMIT_STORAGE } from './rate-limit.providers';
import type { RateLimitStorage } from '../../config/receiver-extensions.interface';

/**
 * Applies `@RateLimit()` (step 3 of the pipeline, before auth). Fail-open: when the storage
 * throws (Redis down), the request is let through and the error logged.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger('ReceiverRateLimit');

  constructor(
    private readonly reflector: Reflector,
    @Inject(RATE_LIMIT_STORAGE) private readonly storage: RateLimitStorage,
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const definition = this.reflector.getAllAndOverride<RateLimitDefinition | undefined>(
      RATE_LIMIT_METADATA,
      [context.getHandler(), context.getClass()],
    );
    const request = context.switchToHttp().getRequest<unknown>();
    if (!definition || isTestModeRequest(request, this.options)) return true;
    const identifier = `${clientIp(request, this.options.trustedProxies)}_${definition.suffix}`;
    const key = createHash('sha256').update(identifier).digest('hex');
    let outcome;
    try {
      outcome = await this.storage.hit(
        key,
        definition.limit,
        RATE_LIMIT_WINDOW_SECONDS,
        RATE_LIMIT_BLOCK_SECONDS,
      );
    } catch (error) {
      const { requestId } = receiverState(request);
      this.logger.error(`[${requestId}] rate-limit storage failed, allowing: ${String(error)}`);
      return true;
    }
    if (outcome === 'blocked-now') {
      throw new ReceiverRawHttpException(429, { error: CommonMessages.rateLimitedNow });
    }
    if (outcome === 'blocked') {
      throw new ReceiverRawHttpException(429, { error: CommonMessages.rateLimited });
    }
    return true;
  }
}
