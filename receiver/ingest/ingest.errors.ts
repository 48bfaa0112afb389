/**
 * The queue could not keep an event (database down, queue full, shutting down). Endpoints turn it
 * into 503 so the client knows the event was not stored and may retry.
 */
export class IngestUnavailableError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'IngestUnavailableError';
  }
}
