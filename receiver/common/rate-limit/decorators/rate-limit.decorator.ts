import { SetMetadata } from '@nestjs/common';
import { RATE_LIMIT_METADATA } from '../rate-limit.constants';

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
