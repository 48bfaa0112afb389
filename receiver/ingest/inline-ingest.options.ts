import { EnvReader, type EnvSource } from '../../lib/protocol';
import type { InlineIngestOptions } from './interfaces/ingest.interfaces';

/**
 * Group-commit tuning from the environment: `RECEIVER_INGEST_FLUSH_MS` (an extra wait for a batch
 * to fill; unset: none, a batch starts as soon as the writer is free),
 * `RECEIVER_INGEST_BATCH_SIZE` (default 500), `RECEIVER_INGEST_MAX_PENDING` (default 20 000).
 * Unset values keep the defaults; a value that is not a whole number >= 1 refuses the start.
 */
export function inlineIngestOptionsFromEnv(env: EnvSource): InlineIngestOptions {
  const e = new EnvReader(env, 'receiver');
  return {
    flushIntervalMs: e.integer('ingest.flushIntervalMs', 'RECEIVER_INGEST_FLUSH_MS', { min: 1 }),
    maxBatchSize: e.integer('ingest.maxBatchSize', 'RECEIVER_INGEST_BATCH_SIZE', { min: 1 }),
    maxPending: e.integer('ingest.maxPending', 'RECEIVER_INGEST_MAX_PENDING', { min: 1 }),
  };
}
