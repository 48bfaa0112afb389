import { isIP } from 'node:net';
import { InvalidInputError } from '../common/errors/receiver.errors';
import { phpTrim, truncateBytes } from '../common/input/php-input';
import { LIMITS } from '../tracking/tracking.constants';
import { visitorHashOf } from '../tracking/validation/pageview.validator';
import type { ActorSubject, VisitorSubject } from './interfaces/personal-data-owner.interface';
import { PRIVACY_REQUESTS_MAX_PAGE_SIZE, PRIVACY_REQUESTS_PAGE_SIZE } from './privacy.constants';
import { PrivacyMessages } from './privacy.messages';

const bad = (message: string) => new InvalidInputError(message);

/** A positive integer written in decimal, else `undefined`. */
function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,9}$/.test(value.trim())) return undefined;
  const number = Number(value.trim());
  return number > 0 ? number : undefined;
}

/** The `project` query parameter: a project id. */
export function parseProjectId(value: string | undefined): number {
  const id = positiveInt(value);
  if (id === undefined) throw bad(PrivacyMessages.projectRequired);
  return id;
}

/**
 * The address as Node prints a socket's, which is what the stored hash was computed from:
 * IPv6 compressed and lower-case, an IPv4-mapped IPv6 address as plain IPv4.
 */
function normaliseIp(raw: string): string {
  const ip = raw.trim();
  const family = isIP(ip);
  if (family === 0) throw bad(PrivacyMessages.ipInvalid);
  if (family === 4) return ip;
  const host = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  return mapped ? mapped[1] : host;
}

/** A visitor named by the id its client sent, and optionally an IP address for its clicks. */
export function parseVisitorSubject(
  projectId: number,
  visitorId: string | undefined,
  ip: string | undefined,
): VisitorSubject {
  const id = phpTrim(visitorId ?? '');
  if (id === '') throw bad(PrivacyMessages.visitorRequired);
  return {
    type: 'visitor',
    projectId,
    visitorId: id,
    visitorHash: visitorHashOf(id),
    ...(ip !== undefined && ip.trim() !== '' ? { ip: normaliseIp(ip) } : {}),
  };
}

/** An actor of audit events, trimmed and cut to 255 bytes as the audit endpoint stores it. */
export function parseActorSubject(projectId: number, actor: string | undefined): ActorSubject {
  const value = truncateBytes(phpTrim(actor ?? ''), LIMITS.actor);
  if (value === '') throw bad(PrivacyMessages.actorRequired);
  return { type: 'actor', projectId, actor: value };
}

/** `page` (from 1) and `limit` of the request log. */
export function parsePage(
  page: string | undefined,
  limit: string | undefined,
): { page: number; limit: number } {
  const pageNumber = page === undefined ? 1 : positiveInt(page);
  if (pageNumber === undefined) throw bad(PrivacyMessages.pageInvalid);
  const size = limit === undefined ? PRIVACY_REQUESTS_PAGE_SIZE : positiveInt(limit);
  if (size === undefined || size > PRIVACY_REQUESTS_MAX_PAGE_SIZE) {
    throw bad(PrivacyMessages.limitInvalid(PRIVACY_REQUESTS_MAX_PAGE_SIZE));
  }
  return { page: pageNumber, limit: size };
}
