import { applyDecorators, Controller, UseFilters, UseGuards } from '@nestjs/common';
import { ReceiverAuthGuard } from '../auth/receiver-auth.guard';
import { ReceiverExceptionFilter } from '../filters/receiver-exception.filter';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';

/**
 * A receiver controller: routes under the receiver prefix, every error as the envelope, and the
 * guards in the contract's order — rate limit (`@RateLimit`) before key auth (`@ReceiverAuth`).
 * The JSON body (`@Body()`) is decoded after both, so 401 wins over 413/400.
 */
export const ReceiverController = (path = ''): ClassDecorator =>
  applyDecorators(
    Controller(path),
    UseFilters(ReceiverExceptionFilter),
    UseGuards(RateLimitGuard, ReceiverAuthGuard),
  );
