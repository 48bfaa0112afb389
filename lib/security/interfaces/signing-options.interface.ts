/**
 * `compatible`: the Laravel package's signature — HMAC-SHA256 of the body bytes, lower-case hex.
 * `timestamped`: the same HMAC over `${unixSeconds}.${body}`, with the time in `X-Telemetry-Timestamp`,
 * so a receiver can refuse stale or replayed requests.
 */
export type TelemetrySigningMode = 'compatible' | 'timestamped';

/** The signing part of the resolved options, as the signer needs it. */
export interface TelemetrySigningSettings {
  enabled: boolean;
  key?: string;
  header?: string;
  mode?: TelemetrySigningMode;
}
