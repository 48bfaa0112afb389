import { DEFAULT_RETRY_AFTER_SECONDS } from './ingest.constants';

/**
 * The queue could not keep an event (database down, queue full, shutting down). Endpoints turn it
 * into 503 so the client knows the event was not stored and may retry.
 */
export class IngestUnavailableError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
    /** When the client may try again (sent as `Retry-After`). */
    readonly retryAfterSeconds: number = DEFAULT_RETRY_AFTER_SECONDS,
  ) {
    super(message);
    this.name = 'IngestUnavailableError';
  }
}
