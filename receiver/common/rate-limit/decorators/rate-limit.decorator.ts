import { SetMetadata } from '@nestjs/common';

/** Metadata key of `@RateLimit()`. */
export const RATE_LIMIT_METADATA = 'receiver:rate-limit';
/** Micrologs: all windows are 60 s. */
export const RATE_LIMIT_WINDOW_SECONDS = 60;
/** Micrologs: exceeding a limit blocks that IP on that endpoint for 15 minutes. */
export const RATE_LIMIT_BLOCK_SECONDS = 900;

/** Limit of one endpoint: identifier suffix (e.g. `_project_create`) and requests per 60 s. */
export interface RateLimitDefinition {
  suffix: string;
  limit: number;
}

/**
 * Limits a route per client IP: `limit` requests per 60-second window, then a 15-minute block.
 * `suffix` names the endpoint in the counter key, as in Micrologs (`<ip>_<suffix>`).
 */
export const RateLimit = (suffix: string, limit: number): MethodDecorator & ClassDecorator =>
  SetMetadata<string, RateLimitDefinition>(RATE_LIMIT_METADATA, { suffix, limit });
