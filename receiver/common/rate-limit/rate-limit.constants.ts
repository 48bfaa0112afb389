/** Injection token of the {@link RateLimitStorage} in use. */
export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');
/** Metadata key of `@RateLimit()`. */
export const RATE_LIMIT_METADATA = 'receiver:rate-limit';
/** Micrologs: all windows are 60 s. */
export const RATE_LIMIT_WINDOW_SECONDS = 60;
/** Micrologs: exceeding a limit blocks that IP on that endpoint for 15 minutes. */
export const RATE_LIMIT_BLOCK_SECONDS = 900;
