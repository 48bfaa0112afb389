/** Requests per page of `GET /api/privacy/requests` unless `limit` says otherwise. */
export const PRIVACY_REQUESTS_PAGE_SIZE = 50;

/** The largest `limit` of `GET /api/privacy/requests`. */
export const PRIVACY_REQUESTS_MAX_PAGE_SIZE = 200;

/** Longest `X-Requested-By` kept (the column's size), in bytes. */
export const REQUESTED_BY_MAX_BYTES = 255;

/** Header naming the person or ticket behind an admin request, kept in the request log. */
export const REQUESTED_BY_HEADER = 'x-requested-by';
