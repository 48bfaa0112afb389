import { byteLength } from '../common/input/php-input';
import { LinksMessages } from './links.messages';
import { InvalidInputError } from '../common/errors/receiver.errors';

/** Longest label, in UTF-8 bytes (contract 2.3.1). */
export const LABEL_MAX_BYTES = 255;

const bad = (message: string) => new InvalidInputError(message);

/**
 * `http(s)://` followed by a written authority. `new URL` repairs `http:host`, `https:/host`,
 * `http:///host` and `https:\\host` into a valid URL, but the stored (unrepaired) string would then
 * become the redirect's `Location`; the original's `FILTER_VALIDATE_URL` refuses all four.
 */
const SPELLED_AUTHORITY = /^https?:\/\/[^/\\?#]+(?:[/?#]|$)/i;

/**
 * True for an absolute `http`/`https` URL with a host, written in ASCII without spaces. Stricter
 * than the original, which accepted `ftp:` or `mailto:` here and then refused to redirect to them.
 */
export function isValidDestination(value: string): boolean {
  if (!/^[\x21-\x7e]+$/.test(value) || !SPELLED_AUTHORITY.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}

/** A destination for create/edit: `""` or invalid is a 400 with the contract's message. */
export function assertDestination(value: string, emptyMessage: string): string {
  if (value === '') throw bad(emptyMessage);
  if (!isValidDestination(value)) throw bad(LinksMessages.destinationInvalid);
  return value;
}

/** A label within 255 bytes (over is a 400 rather than a silent cut). */
export function assertLabel(value: string): string {
  if (byteLength(value) > LABEL_MAX_BYTES) throw bad(LinksMessages.labelTooLong);
  return value;
}

/** The redirect refuses anything but http(s), case-insensitively (contract 2.4). */
export const isRedirectable = (destination: string): boolean => /^https?:/i.test(destination);
