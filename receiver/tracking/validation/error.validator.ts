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
}

const MAX_LINE = 2_147_483_647;

/** Validates an error body and computes its group fingerprint (contract 3.10). */
export function validateError(body: JsonBody, projectId: number): ValidError {
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
  };
}
