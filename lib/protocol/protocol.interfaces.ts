import type { SIGNING_MODES, TELEMETRY_VALUE_TYPES } from './protocol.constants';

/** Any value JSON can carry. */
export type JsonValue =
  boolean | number | string | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * What a value means: `gauge` (a level, the default for numbers), `counter` (a total that only
 * grows, a rate once differentiated) or `info` (a label or document, the default for the rest).
 */
export type TelemetryValueType = (typeof TELEMETRY_VALUE_TYPES)[number];

/** A collector's declaration of its value, sent beside the value as optional metadata. */
export interface TelemetryValueMeta {
  type?: TelemetryValueType;
  /** Free text of at most 32 characters, e.g. `bytes`, `ms`, `requests`. */
  unit?: string;
}

/**
 * The report body, wire-compatible with laravel-telemetry-reporter: `timestamp` is UTC ISO-8601
 * with `Z` and second precision (`2025-08-03T10:15:30Z`), `data` maps telemetry keys to values.
 * `host`, `timestamp` and `data` are the stable fields every receiver reads. `metadata` is
 * optional and only present when a collector declared a type or unit; receivers that do not know
 * it (laravel-era ones) ignore unknown top-level fields and see the same values as before.
 */
export interface TelemetryPayload {
  host: string;
  timestamp: string;
  data: Record<string, unknown>;
  metadata?: Record<string, TelemetryValueMeta>;
}

/**
 * @internal A batch of collection rounds, sent only to a receiver that answered with
 * `X-Telemetry-Accept-Batch`. Each round is a complete {@link TelemetryPayload}, signed together
 * as the request body (the bytes sent: gzip-compressed when `Content-Encoding: gzip`).
 */
export interface TelemetryBatchPayload {
  /** Random, new for every request: no two batch requests carry the same bytes. */
  nonce: string;
  rounds: TelemetryPayload[];
}

/**
 * @internal The answer to a batch: which rounds are stored (acknowledged, by index into
 * `rounds`) and which were refused as invalid; a round in neither list was not stored and is sent
 * again. Redelivering a stored round is harmless: the receiver keeps one sample per host, key and
 * collection second.
 */
export interface TelemetryBatchAnswer extends TelemetryReportAnswer {
  stored: number[];
  refused: Array<{ index: number; error: string }>;
}

/**
 * @internal The answer to an accepted report: `feature_flags` plus any extra top-level keys the
 * receiver holds for the host; clients dispatch each key to its response handlers. Without
 * `feature_flags` (the receiver stored the report but could not read them), flags stay as they are.
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
