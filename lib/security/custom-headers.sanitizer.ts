import { PROTECTED_HEADER_NAMES } from './security.constants';

/** The outcome of checking `customHeaders` once, at start. */
export interface SanitizedCustomHeaders {
  /** The headers that will be sent. */
  headers: Record<string, string>;
  /** Names dropped because they would override a header the package owns. */
  refused: string[];
  /** Names dropped because the entry is not a usable header. */
  invalid: string[];
}

// RFC 9110 token characters; a value may not contain CR, LF or NUL (header injection).
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_VALUE = /[\r\n\0]/;

/**
 * Keeps the custom headers that are safe to send. `signatureHeader` is the configured signature
 * header's name, protected like the fixed ones. Header names compare case-insensitively.
 */
export function sanitizeCustomHeaders(
  raw: Record<string, unknown> | undefined,
  signatureHeader: string,
): SanitizedCustomHeaders {
  const result: SanitizedCustomHeaders = { headers: {}, refused: [], invalid: [] };
  const protectedNames = new Set([...PROTECTED_HEADER_NAMES, signatureHeader.toLowerCase()]);
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (protectedNames.has(name.toLowerCase())) {
      result.refused.push(name);
    } else if (
      !HEADER_NAME.test(name) ||
      (typeof value !== 'string' && typeof value !== 'number') ||
      FORBIDDEN_VALUE.test(String(value))
    ) {
      result.invalid.push(name);
    } else {
      result.headers[name] = String(value);
    }
  }
  return result;
}
