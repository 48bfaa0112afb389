import { TELEMETRY_VALUE_TYPES, type TelemetryValueMeta } from '../../../lib/protocol';
import { MAX_FUTURE_SKEW_SECONDS, MAX_REPORT_KEYS, MAX_VALUE_BYTES } from '../telemetry.constants';
import { TelemetryMessages } from '../telemetry.messages';
import { InvalidInputError } from '../../common/errors/receiver.errors';
import { parseJsonInput } from '../../common/input/json-input';
import { inexactNumbers } from './inexact-number';

/** A validated report: `{host, timestamp, data}` of laravel-telemetry-reporter and TelemetryModule. */
export interface TelemetryReport {
  host: string;
  /** When the values were collected, to the second (the idempotency key with host and key). */
  collectedAt: Date;
  data: Record<string, unknown>;
  /** Declared type and unit per key of `data` (only keys that declared something). */
  metadata: Record<string, TelemetryValueMeta>;
}

const bad = (message: string) => new InvalidInputError(message);

const MAX_NAME = 191;

/** Validates a host name given by a client (report body, token request, query). */
export function parseHostName(value: unknown): string {
  const host = typeof value === 'string' ? value.trim() : '';
  if (!host || host.length > MAX_NAME) throw bad(TelemetryMessages.hostRequired);
  return host;
}

function parseTimestamp(value: unknown, now: number): Date {
  if (value === undefined || value === null) return new Date(Math.floor(now / 1000) * 1000);
  let millis = NaN;
  if (typeof value === 'number' && Number.isFinite(value)) millis = value * 1000;
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(value)) {
    millis = Date.parse(value.replace(' ', 'T'));
  }
  if (!Number.isFinite(millis) || millis < 0 || millis > now + MAX_FUTURE_SKEW_SECONDS * 1000) {
    throw bad(TelemetryMessages.timestampBad);
  }
  return new Date(Math.floor(millis / 1000) * 1000);
}

/** A report body once decoded. */
export interface DecodedReportBody {
  body: Record<string, unknown>;
  /** An integer of the body beyond ±2^53 that is kept as the nearest double, if any. */
  roundedInteger?: string;
}

/**
 * Decodes a report body (a single report or a batch) into its JSON object; 400 otherwise.
 *
 * Numbers: a number beyond a double's range (`1e400`, which PHP's `json_encode` never writes)
 * would be stored as `null`: 400. An integer beyond ±2^53 (PHP's 64-bit integers: `PHP_INT_MAX`,
 * a nanosecond clock) is kept as the nearest double, as every JSON consumer in JavaScript reads
 * it: refusing it would fail every report of that host for good (the Laravel reporter sends all
 * keys in one report and retries it on the next run), so it is accepted and named to the caller.
 */
export function decodeReportBody(raw: Buffer): DecodedReportBody {
  const text = raw.toString('utf8');
  let body: unknown;
  try {
    body = parseJsonInput(text);
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw bad(TelemetryMessages.invalidJson);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw bad(TelemetryMessages.invalidJson);
  }
  const inexact = inexactNumbers(text);
  if (inexact?.outOfRange !== undefined) {
    throw bad(TelemetryMessages.numberOutOfRange(inexact.outOfRange));
  }
  return { body: body as Record<string, unknown>, roundedInteger: inexact?.rounded };
}

/** Validates one decoded report (a body, or a round of a batch). Every problem names the field. */
export function readReport(body: unknown, now = Date.now()): TelemetryReport {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw bad(TelemetryMessages.invalidJson);
  }
  const report = body as Record<string, unknown>;
  const host = parseHostName(report.host);
  const collectedAt = parseTimestamp(report.timestamp, now);
  const data = report.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw bad(TelemetryMessages.dataRequired);
  }
  const keys = Object.keys(data);
  if (keys.length === 0) throw bad(TelemetryMessages.dataRequired);
  if (keys.length > MAX_REPORT_KEYS) throw bad(TelemetryMessages.tooManyKeys(MAX_REPORT_KEYS));
  for (const key of keys) {
    if (key.length === 0 || key.length > MAX_NAME) throw bad(TelemetryMessages.keyInvalid(key));
    const value = (data as Record<string, unknown>)[key];
    if (Buffer.byteLength(JSON.stringify(value) ?? 'null') > MAX_VALUE_BYTES) {
      throw bad(TelemetryMessages.valueTooLarge(key));
    }
  }
  const metadata = readMetadata(report.metadata, data as Record<string, unknown>);
  return { host, collectedAt, data: data as Record<string, unknown>, metadata };
}

/**
 * The optional `metadata` of TelemetryModule 1.0: `{<key>: {type?, unit?}}`. Entries for keys
 * absent from `data` are ignored; a malformed declaration is a 400 like any other field.
 */
function readMetadata(
  value: unknown,
  data: Record<string, unknown>,
): Record<string, TelemetryValueMeta> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw bad(TelemetryMessages.metadataBad);
  const metadata: Record<string, TelemetryValueMeta> = {};
  for (const [key, declared] of Object.entries(value as Record<string, unknown>)) {
    if (!Object.prototype.hasOwnProperty.call(data, key)) continue;
    if (typeof declared !== 'object' || declared === null || Array.isArray(declared)) {
      throw bad(TelemetryMessages.metadataBad);
    }
    const { type, unit } = declared as Record<string, unknown>;
    if (type !== undefined && !TELEMETRY_VALUE_TYPES.includes(type as never)) {
      throw bad(TelemetryMessages.metadataTypeBad(key));
    }
    if (unit !== undefined && (typeof unit !== 'string' || unit.length === 0 || unit.length > 32)) {
      throw bad(TelemetryMessages.metadataUnitBad(key));
    }
    if (type !== undefined || unit !== undefined) {
      metadata[key] = {
        ...(type !== undefined && { type: type as TelemetryValueMeta['type'] }),
        ...(unit !== undefined && { unit: unit as string }),
      };
    }
  }
  return metadata;
}
