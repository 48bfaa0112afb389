/** Error texts of the request pipeline (Micrologs contract, section 1). */
export const CommonMessages = {
  methodNotAllowed: 'Method not allowed',
  payloadTooLarge: 'Payload too large',
  invalidJson: 'Invalid or missing JSON body',
  unauthorized: 'Unauthorized',
  apiKeyRequired: 'API key is required',
  invalidApiKey: 'Invalid API key',
  domainNotAllowed: 'Domain not allowed for this key',
  rateLimitedNow: 'Too many attempts. You are temporarily blocked.',
  rateLimited: 'Too many attempts. Try again later.',
  serverError: 'Server error',
  storageUnavailable: 'Service temporarily unavailable. Retry later.',
  notFound: 'Not found',
  mustBeString: (field: string): string => `${field} must be a string`,
  jsonTooDeep: (depth: number): string => `JSON nested deeper than ${depth} levels`,
  invalidInput: 'Invalid input',
  rateLimitStorageDown: (reason: string): string =>
    `Rate-limit storage failing (${reason}): letting requests through until it answers`,
  rateLimitStorageBack: 'Rate-limit storage answering again: limits apply',
} as const;
