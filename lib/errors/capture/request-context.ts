import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request being handled, for code that runs inside it without receiving it (an `@Audited()`
 * service method, a manual `capture()`): set by the capture interceptor around each handler.
 */
export const currentRequest = new AsyncLocalStorage<unknown>();
