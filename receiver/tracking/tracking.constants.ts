/** Job kinds the tracking endpoints put on the ingestion queue. */
export const PAGEVIEW_JOB = 'pageview';
export const ERROR_JOB = 'error';
export const AUDIT_JOB = 'audit';

/** A repeat of the same URL by the same visitor within this window is not stored (contract 3.3). */
export const PAGEVIEW_DEDUP_WINDOW_MS = 300_000;

/** Entries per in-memory id cache (visitors, sessions, devices, locations). */
export const ID_CACHE_SIZE = 50_000;

/** Byte limits of the tracking fields (contract 2.2). */
export const LIMITS = {
  url: 2048,
  pageTitle: 512,
  referrer: 2048,
  visitorId: 256,
  fingerprint: 256,
  sessionToken: 64,
  screenResolution: 20,
  timezone: 100,
  utm: 255,
  message: 1024,
  errorType: 100,
  file: 512,
  stack: 65_535,
  context: 8192,
  action: 100,
  actor: 255,
} as const;

export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export const ENVIRONMENTS = ['production', 'staging', 'development'] as const;
export const ERROR_STATUSES = ['open', 'investigating', 'resolved', 'ignored'] as const;

/** Most ids one status update may name (contract 2.2.4). */
export const MAX_STATUS_IDS = 100;

/** Cookieless sessions end after this long without a pageview of their visitor. */
export const COOKIELESS_SESSION_TIMEOUT_MS = 1_800_000;

/**
 * How long into a new UTC day the previous day's salt survives: receiver processes whose clocks
 * lag a little still find it. After that it is deleted and that day's ids cannot be recomputed.
 */
export const SALT_GRACE_MS = 3_600_000;

/** How often each receiver process deletes expired salts (also done when a new day's salt is made). */
export const SALT_SWEEP_INTERVAL_MS = 600_000;
