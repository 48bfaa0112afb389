export * from './interfaces/ingest.interfaces';
export { INGEST_QUEUE } from './ingest.constants';
export { newEventId } from './event-id';
export { IngestRejectedError, IngestUnavailableError } from './ingest.errors';
export { IngestHandlerRegistry } from './ingest-handler.registry';
export { IngestBatchProcessor } from './ingest-batch.processor';
export { InlineIngestQueue } from './inline-ingest.queue';
export { IngestModule } from './ingest.module';
