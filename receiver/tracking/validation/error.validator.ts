import { MAX_ERROR_OCCURRENCES } from '../../../lib/protocol';
import { intField, type JsonBody } from '../../common';
import { sha256Hex } from '../../enrichment/sha256';
import type { ErrorEnvironment, ErrorSeverity } from '../../storage/entities';
import { ENVIRONMENTS, LIMITS, SEVERITIES } from '../tracking.constants';
import { TrackingMessages } from '../tracking.messages';
import { contextField, isBlank, oneOf, optionalText, text } from './field.rules';
import { InvalidInputError } from '../../common/errors/receiver.errors';

/** The error fields after validation and defaulting (contract 2.2.2). */
export interface ValidError {
  fingerprint: string;
  errorType: string;
  message: string;
  file: string;
  line: number | null;
  stack: string | null;
  url: string;
  severity: ErrorSeverity;
  environment: ErrorEnvironment;
  context: unknown;
  /** How many times the error happened (a client's coalesced burst); 1 unless the body says more. */
  occurrences: number;
}

const MAX_LINE = 2_147_483_647;

/**
 * `occurrences`, our optional extension of the Micrologs body: a client that coalesced a burst of
 * one error sends it once with the count. Absent or null is 1. Anything but an integer from 1 to
 * {@link MAX_ERROR_OCCURRENCES} is refused rather than guessed at: a count is what the error list
 * shows, so a wrong one must not be stored. Only secret-key callers (servers) are believed; a
 * public key lives in a web page, where anyone could inflate the counts, so there it counts as 1.
 */
function occurrencesField(body: JsonBody, trusted: boolean): number {
  const value = body.occurrences;
  if (value === undefined || value === null) return 1;
  const valid =
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= 1 &&
    value <= MAX_ERROR_OCCURRENCES;
  if (!valid) throw new InvalidInputError(TrackingMessages.occurrencesInvalid);
  return trusted ? value : 1;
}

/**
 * Validates an error body and computes its group fingerprint (contract 3.10). `trusted`: the
 * caller used the project's secret key (see {@link occurrencesField}).
 */
export function validateError(body: JsonBody, projectId: number, trusted = false): ValidError {
  const message = text(body, 'message', LIMITS.message);
  if (isBlank(message)) throw new InvalidInputError(TrackingMessages.messageRequired);
  // "Unknown" only when missing or null: an explicit "" stays "".
  const errorType = text(body, 'error_type', LIMITS.errorType, 'Unknown');
  const file = text(body, 'file', LIMITS.file);
  // Clamped to the integer column, so an absurd line number cannot make the event unstorable.
  const line =
    body.line === undefined || body.line === null
      ? null
      : Math.min(MAX_LINE, Math.max(-MAX_LINE - 1, intField(body, 'line')));
  return {
    fingerprint: sha256Hex(`${projectId}${errorType}${message}${file}${line ?? ''}`),
    errorType,
    message,
    file,
    line,
    stack: optionalText(body, 'stack', LIMITS.stack),
    url: text(body, 'url', LIMITS.url),
    severity: oneOf(text(body, 'severity', 20), SEVERITIES, 'error'),
    environment: oneOf(text(body, 'environment', 20), ENVIRONMENTS, 'production'),
    context: contextField(body),
    occurrences: occurrencesField(body, trusted),
  };
}
