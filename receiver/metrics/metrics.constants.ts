/** Upper bounds (seconds) of the batch-write histogram: a group commit takes milliseconds. */
export const BATCH_SECONDS_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Names of the exposed metrics (Prometheus naming: unit suffixes, `_total` for counters). */
export const METRIC_NAMES = {
  telemetryValue: 'telemetry_value',
  accepted: 'receiver_events_accepted_total',
  stored: 'receiver_events_stored_total',
  failed: 'receiver_events_failed_total',
  batchSeconds: 'receiver_ingest_batch_duration_seconds',
  queueDepth: 'receiver_ingest_queue_depth',
  cacheHits: 'receiver_analytics_cache_hits_total',
  cacheMisses: 'receiver_analytics_cache_misses_total',
  cacheHitRatio: 'receiver_analytics_cache_hit_ratio',
} as const;
