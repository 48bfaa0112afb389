import type { TelemetryPayload } from './protocol.interfaces';

/**
 * @internal
 * A payload `timestamp`: UTC ISO-8601 with `Z` and second precision (`2025-08-03T10:15:30Z`), as
 * laravel-telemetry-reporter writes it (and its last-run cache entries).
 */
export const toUtcSecond = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;

/**
 * @internal
 * The report body's text: `JSON.stringify` (which writes `/` and non-ASCII unescaped, like the
 * text laravel-telemetry-reporter signs), with U+2028/U+2029 escaped as PHP's `json_encode` does
 * even with `JSON_UNESCAPED_UNICODE`. The body is then byte-identical to what a PHP receiver gets
 * when it re-encodes the decoded payload in that style, and still verifies over its raw bytes.
 */
export function encodePayload(payload: TelemetryPayload): string {
  return JSON.stringify(payload).replace(/[\u2028\u2029]/g, (char) =>
    char === '\u2028' ? '\\u2028' : '\\u2029',
  );
}
