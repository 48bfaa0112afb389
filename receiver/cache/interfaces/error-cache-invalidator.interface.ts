/**
 * Invalidation of the errors and errors-trend analytics caches after error events were stored
 * (contract 1.12). Provided by the analytics cache under {@link ERROR_CACHE_INVALIDATOR}; without
 * a provider nothing is cached that could go stale.
 */
export interface ErrorCacheInvalidator {
  /** Drops the errors and errors-trend entries of a project, and error-detail of `groupIds` when given. */
  invalidateErrors(projectId: number, groupIds?: number[]): Promise<void> | void;
}

/** Injection token of the {@link ErrorCacheInvalidator}. */
export const ERROR_CACHE_INVALIDATOR = Symbol('ERROR_CACHE_INVALIDATOR');
