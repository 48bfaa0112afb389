/** Texts of the `/metrics` exposition. */
export const MetricsMessages = {
  off: 'Metrics are off: set the metrics.token option (RECEIVER_METRICS_TOKEN)',
  unauthorized: 'Invalid or missing metrics token (Authorization: Bearer <token>)',
  feature: 'Prometheus metrics (metrics.token)',
} as const;
