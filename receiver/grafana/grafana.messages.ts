/** Error texts of the Grafana datasource routes. */
export const GRAFANA_MESSAGES = {
  badRange: 'range.from and range.to must be ISO 8601 instants, from before to',
  hostAndKey: 'The telemetry metric needs payload.host and payload.key',
  unknownMetric: (name: string) => `Unknown metric: ${name}`,
  unknownPayload: (name: string) => `Unknown payload option: ${name}`,
} as const;
