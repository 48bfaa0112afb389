/** Texts of the links API and the redirect (contract 2.3, 2.4), word for word where it has them. */
export const LinksMessages = {
  created: 'Link created successfully',
  listed: 'Links fetched successfully',
  fetched: 'Link fetched successfully',
  updated: 'Link updated successfully',
  deleted: 'Link deleted successfully',
  destinationRequired: 'destination_url is required',
  destinationEmpty: 'destination_url cannot be empty',
  destinationInvalid: 'destination_url is not a valid URL',
  labelTooLong: 'label must be at most 255 bytes',
  codeRequired: 'code is required',
  codeQueryRequired: 'code query parameter is required',
  notFound: 'Link not found',
  nothingToUpdate: 'Nothing to update. Provide destination_url, label, or is_active.',
  isActiveBoolean: 'is_active must be a boolean',
  createFailed: 'Failed to create link',
  // Redirect answers are plain text (contract 1.6).
  redirectMissingCode: 'Missing link code',
  redirectNotFound: 'Link not found',
  redirectInvalidDestination: 'Invalid destination URL',
  clickNotQueued: (code: string, error: unknown) =>
    `Click on link ${code} could not be queued (the visitor was redirected anyway): ${String(error)}`,
} as const;
