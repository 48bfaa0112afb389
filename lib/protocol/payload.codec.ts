import type { TelemetryPayload } from './protocol.interfaces';

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
