/** Error texts of the analytics endpoints (contract 1.11 and 2.5), word for word. */
export const ANALYTICS_MESSAGES = {
  invalidDateFormat: 'Invalid date format. Use YYYY-MM-DD',
  fromAfterTo: "'from' must be before 'to'",
  rangeTooLong: 'Custom date range cannot exceed 365 days',
  idRequired: 'id is required',
  codeRequired: 'code is required',
  errorGroupNotFound: 'Error group not found',
  linkNotFound: 'Link not found',
  unsupportedDriver: (driver: string) =>
    `The analytics queries do not support the "${driver}" database driver (use SQLite, PostgreSQL or MariaDB/MySQL).`,
  unknownCsvList: (list: string, lists: readonly string[]) =>
    `Unknown list "${list}" for format=csv. Use one of: ${lists.join(', ')}`,
  invalidTimezone: (zone: string) =>
    `Unknown timezone "${zone}": give an IANA zone name such as "Europe/Paris" or "UTC".`,
} as const;
