/**
 * The report body, wire-compatible with laravel-telemetry-reporter: `timestamp` is UTC ISO-8601
 * with `Z` and second precision (`2025-08-03T10:15:30Z`), `data` maps telemetry keys to values.
 */
export interface TelemetryPayload {
  host: string;
  timestamp: string;
  data: Record<string, unknown>;
}
