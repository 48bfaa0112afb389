import { type JsonBody } from '../../common';
import { phpTrim, truncateBytes } from '../../common/input/php-input';
import { boundedMemo } from '../../common/memo/bounded-memo';
import { sha256Hex } from '../../enrichment/sha256';
import { LIMITS } from '../tracking.constants';
import { TrackingMessages } from '../tracking.messages';
import { isBlank, text } from './field.rules';
import { InvalidInputError } from '../../common/errors/receiver.errors';

/**
 * `visitors.visitor_hash` of a client's `visitor_id` (contract 3.1): SHA-256 hex of the trimmed
 * id cut to 256 bytes, unsalted — so a person's cookie value finds their row again.
 */
export function visitorHashOf(visitorId: string): string {
  return sha256Hex(truncateBytes(phpTrim(visitorId), LIMITS.visitorId));
}

/**
 * Visitors whose hashes are remembered. A visitor sends every pageview of a visit with the same
 * `visitor_id` and `fingerprint`, and their two SHA-256 hashes were a visible part of each
 * pageview's CPU; a lookup by the same string costs a fraction of that.
 */
const VISITOR_MEMO_SIZE = 10_000;
const rememberedVisitorHash = boundedMemo(VISITOR_MEMO_SIZE, visitorHashOf);
const rememberedFingerprintHash = boundedMemo(VISITOR_MEMO_SIZE, sha256Hex);

/** The pageview fields after validation (contract 2.2.1), before enrichment. */
export interface ValidPageview {
  url: string;
  pageTitle: string;
  referrer: string;
  /** `''` in cookieless mode: the receiver derives the visitor itself. */
  visitorHash: string;
  fingerprintHash: string;
  /** `''` in cookieless mode: the session follows from the visitor's inactivity. */
  sessionToken: string;
  screenResolution: string;
  timezone: string;
}

/**
 * Validates a pageview body; throws the contract's 400s. `utm_*` body fields are ignored. In
 * cookieless mode only `url` is required, and `visitor_id`, `session_token` and `fingerprint` are
 * ignored even when sent (the original snippet still sends them).
 */
export function validatePageview(body: JsonBody, cookieless = false): ValidPageview {
  const url = text(body, 'url', LIMITS.url);
  if (cookieless) {
    if (isBlank(url)) throw new InvalidInputError(TrackingMessages.urlRequired);
    return {
      url,
      pageTitle: text(body, 'page_title', LIMITS.pageTitle),
      referrer: text(body, 'referrer', LIMITS.referrer),
      visitorHash: '',
      fingerprintHash: '',
      sessionToken: '',
      screenResolution: text(body, 'screen_resolution', LIMITS.screenResolution),
      timezone: text(body, 'timezone', LIMITS.timezone),
    };
  }
  const visitorId = text(body, 'visitor_id', LIMITS.visitorId);
  const sessionToken = text(body, 'session_token', 256);
  if (isBlank(url) || isBlank(visitorId) || isBlank(sessionToken)) {
    throw new InvalidInputError(TrackingMessages.pageviewRequired);
  }
  // The session column holds 64 characters; the original lost longer tokens silently.
  // Counted in characters; a token of at most that many UTF-16 units needs no count.
  if (sessionToken.length > LIMITS.sessionToken && [...sessionToken].length > LIMITS.sessionToken) {
    throw new InvalidInputError(TrackingMessages.sessionTokenTooLong);
  }
  const fingerprint = text(body, 'fingerprint', LIMITS.fingerprint);
  return {
    url,
    pageTitle: text(body, 'page_title', LIMITS.pageTitle),
    referrer: text(body, 'referrer', LIMITS.referrer),
    visitorHash: rememberedVisitorHash(visitorId),
    fingerprintHash: fingerprint === '' ? '' : rememberedFingerprintHash(fingerprint),
    sessionToken,
    screenResolution: text(body, 'screen_resolution', LIMITS.screenResolution),
    timezone: text(body, 'timezone', LIMITS.timezone),
  };
}
