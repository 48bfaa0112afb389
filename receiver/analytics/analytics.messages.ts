/** Error texts of the analytics endpoints (contract 1.11 and 2.5), word for word. */
export const ANALYTICS_MESSAGES = {
  invalidDateFormat: 'Invalid date format. Use YYYY-MM-DD',
  fromAfterTo: "'from' must be before 'to'",
  rangeTooLong: 'Custom date range cannot exceed 365 days',
  idRequired: 'id is required',
  codeRequired: 'code is required',
  errorGroupNotFound: 'Error group not found',
  linkNotFound: 'Link not found',
  retentionPeriod: 'period must be day or week',
  unknownCsvList: (list: string, lists: readonly string[]) =>
    `Unknown list "${list}" for format=csv. Use one of: ${lists.join(', ')}`,
} as const;

/** Success messages of the 14 endpoints (contract 2.5) and of retention. */
export const ANALYTICS_SUCCESS = {
  visitors: 'Visitor analytics fetched successfully',
  returning: 'Visitor retention fetched successfully',
  sessions: 'Session analytics fetched successfully',
  pages: 'Pages fetched successfully',
  devices: 'Devices fetched successfully',
  locations: 'Locations fetched successfully',
  referrers: 'Referrers fetched successfully',
  utm: 'UTM data fetched successfully',
  errors: 'Errors fetched successfully',
  errorsTrend: 'Error trend fetched successfully',
  errorDetail: 'Error detail fetched successfully',
  audits: 'Audit logs fetched successfully',
  links: 'Link analytics fetched successfully',
  linkDetail: 'Link detail fetched successfully',
  retention: 'Retention cohorts fetched successfully',
} as const;
