/**
 * An analytics answer as the JSON text of its success envelope. A cache hit is sent as stored:
 * the envelope is built around the cached `data` text, never parsed and serialised again.
 * `@CsvExport` declares the JSON content type for the routes that return one.
 */
export type AnalyticsAnswer = string;
