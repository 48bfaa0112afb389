import type { SIGNING_MODES } from './protocol.constants';

/** Any value JSON can carry. */
export type JsonValue =
  boolean | number | string | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * The report body, wire-compatible with laravel-telemetry-reporter: `timestamp` is UTC ISO-8601
 * with `Z` and second precision (`2025-08-03T10:15:30Z`), `data` maps telemetry keys to values.
 */
export interface TelemetryPayload {
  host: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/**
 * @internal The answer to an accepted report: `feature_flags` plus any extra top-level keys the
 * receiver holds for the host; clients dispatch each key to its response handlers.
 */
export interface TelemetryReportAnswer {
  feature_flags?: Record<string, unknown>;
  [responseKey: string]: unknown;
}

/** @internal The flags endpoint's answer. */
export interface TelemetryFlagsAnswer {
  feature_flags: Record<string, unknown>;
}

/** @internal Body of a token request to the auth-token URL. */
export interface TelemetryTokenRequest {
  host: string;
}

/** @internal The token URL's answer (extra keys allowed). */
export interface TelemetryTokenAnswer {
  token: string;
  [key: string]: unknown;
}

/** The JSON document sent instead of the plain payload when encryption is on. */
export interface EncryptedEnvelope {
  /** base64 of the 12-byte random nonce, new for every request. */
  iv: string;
  /** base64 of the 16-byte GCM authentication tag. */
  tag: string;
  /** base64 of the AES-256-GCM ciphertext of the UTF-8 JSON payload. */
  ciphertext: string;
}

/** @internal `compatible` (hex HMAC of the body) or `timestamped` (HMAC of `<ts>.<body>`). */
export type SigningMode = (typeof SIGNING_MODES)[number];
