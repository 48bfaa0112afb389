/** UTC ISO-8601 with `Z` and second precision, the format of the Laravel payload and cache. */
export const toUtcSecond = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;
