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

/**
 * The database refuses this one event (data the validators missed), while it writes the others:
 * retrying cannot help, so endpoints answer 400 and a queue with workers dead-letters it at once.
 * It never counts as a storage outage.
 */
export class IngestRejectedError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'IngestRejectedError';
  }
}
