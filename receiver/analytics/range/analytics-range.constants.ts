/** `range` when the query has none (contract 1.11). */
export const DEFAULT_RANGE = '30d';
/** `range=Nd` is clamped to 1 … 365. */
export const MIN_RANGE_DAYS = 1;
export const MAX_RANGE_DAYS = 365;
/** `to − from` of a custom range may be at most this many days (a 366-date inclusive span). */
export const MAX_CUSTOM_SPAN_DAYS = 365;
