/** Injection token of the {@link RateLimitStorage} in use. */
export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');
/** Metadata key of `@RateLimit()`. */
export const RATE_LIMIT_METADATA = 'receiver:rate-limit';
