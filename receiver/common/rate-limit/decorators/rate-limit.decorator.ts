import { SetMetadata } from '@nestjs/common';

/** Metadata key of `@RateLimit()`. */
export const RATE_LIMIT_METADATA = 'receiver:rate-limit';

/** Limit of one endpoint: identifier suffix (e.g. `_project_create`) and requests per 60 s. */
export interface RateLimitDefinition {
  suffix: string;
  limit: number;
}

/**
 * Limits a route per client IP: `limit` requests per window (60 s), then a block (15 minutes) —
 * the contract's defaults; the `rateLimit` option changes the window, the block and each limit by
 * endpoint name (`suffix` without its `_`). `suffix` names the endpoint in the counter key, as in
 * Micrologs (`<ip>_<suffix>`). On routes taking either key, secret-key callers are counted per project.
 */
export const RateLimit = (suffix: string, limit: number): MethodDecorator & ClassDecorator =>
  SetMetadata<string, RateLimitDefinition>(RATE_LIMIT_METADATA, { suffix, limit });
