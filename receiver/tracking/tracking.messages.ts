import { MAX_ERROR_OCCURRENCES } from '../../lib/protocol';

/** Texts of the tracking endpoints (contract 2.2), word for word. */
export const TrackingMessages = {
  accepted: 'OK',
  pageviewRequired: 'url, visitor_id and session_token are required',
  urlRequired: 'url is required',
  messageRequired: 'message is required',
  occurrencesInvalid: `occurrences must be an integer from 1 to ${MAX_ERROR_OCCURRENCES}`,
  actionRequired: 'action is required',
  statusInvalid: 'status is required and must be one of: open, investigating, resolved, ignored',
  idsRequired: 'ids (array) or id (integer) is required',
  noValidIds: 'No valid IDs provided',
  tooManyIds: 'Maximum 100 IDs per request',
  noMatchingGroups: 'No matching error groups found for this project',
  updateFailed: 'Failed to update error status',
  storageUnavailable: 'Service temporarily unavailable, the event was not stored. Retry later.',
  statusUpdated: (updated: number, status: string, notFound: number) =>
    `${updated} error ${updated === 1 ? 'group' : 'groups'} marked as ${status}.` +
    (notFound > 0 ? ` ${notFound} ID(s) not found and were skipped.` : ''),
  sessionTokenTooLong: 'session_token must be at most 64 characters',
  saltsDeleted: (count: number, keepFrom: string) =>
    `Deleted ${count} expired visitor salt(s); ids of days before ${keepFrom} can no longer be derived`,
  saltSweepFailed: (reason: string) => `Could not delete expired visitor salts: ${reason}`,
} as const;
