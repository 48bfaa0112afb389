import type { DeviceInfo, GeoLocation } from '../../enrichment/interfaces/enrichment.interfaces';
import type { ErrorEnvironment, ErrorSeverity, ReferrerCategory } from '../../storage/entities';

/**
 * Queue payloads of the tracking endpoints: validated, truncated and enriched on the request path,
 * plain JSON (times as epoch milliseconds) and free of raw IP addresses, so any queue can hold them.
 */
export interface PageviewJob {
  projectId: number;
  /** Request arrival (epoch ms): the pageview's `created_at` and the dedup clock. */
  receivedAt: number;
  url: string;
  pageTitle: string;
  referrer: string;
  referrerCategory: ReferrerCategory;
  /** In cookieless mode the day-salted hash of (project, IP, user agent). */
  visitorHash: string;
  fingerprintHash: string;
  /** `''` in cookieless mode until the batch assigns the visitor's current session. */
  sessionToken: string;
  /** Sessions follow 30 minutes of inactivity instead of a client token (absent = false). */
  cookieless?: boolean;
  screenResolution: string;
  timezone: string;
  utm: {
    utm_source: string;
    utm_medium: string;
    utm_campaign: string;
    utm_content: string;
    utm_term: string;
  };
  device: DeviceInfo;
  geo: GeoLocation;
}

export interface ErrorJob {
  projectId: number;
  receivedAt: number;
  fingerprint: string;
  errorType: string;
  message: string;
  file: string;
  line: number | null;
  stack: string | null;
  url: string;
  severity: ErrorSeverity;
  environment: ErrorEnvironment;
  /** The JSON document as sent (object or array), or null. */
  context: unknown;
  /** Times the error happened (a coalesced burst); absent on jobs queued before it existed: 1. */
  occurrences?: number;
  device: DeviceInfo;
  geo: GeoLocation;
}

export interface AuditJob {
  projectId: number;
  receivedAt: number;
  action: string;
  actor: string;
  ipHash: string;
  context: unknown;
}
