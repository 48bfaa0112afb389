import type { InlineIngestOptions } from './interfaces/ingest.interfaces';

const positive = (value: string | undefined): number | undefined => {
  const n = Number(value);
  return value && Number.isFinite(n) && n > 0 ? n : undefined;
};

/**
 * Group-commit tuning from the environment: `RECEIVER_INGEST_FLUSH_MS` (default 4),
 * `RECEIVER_INGEST_BATCH_SIZE` (default 500), `RECEIVER_INGEST_MAX_PENDING` (default 20 000).
 * Unset or invalid values keep the defaults.
 */
export function inlineIngestOptionsFromEnv(env: NodeJS.ProcessEnv): InlineIngestOptions {
  return {
    flushIntervalMs: positive(env.RECEIVER_INGEST_FLUSH_MS),
    maxBatchSize: positive(env.RECEIVER_INGEST_BATCH_SIZE),
    maxPending: positive(env.RECEIVER_INGEST_MAX_PENDING),
  };
}
