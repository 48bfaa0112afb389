import { ProtocolMessages } from '../../lib/protocol';

/** Texts of the projects API (Micrologs contract 2.1). */
export const ProjectsMessages = {
  created: 'Project created. Store your secret_key safely \u2014 it will not be shown again.',
  listed: 'Projects fetched successfully',
  updated: 'Project updated successfully',
  toggled: (name: string, active: boolean): string =>
    `Project "${name}" ${active ? 'enabled' : 'disabled'} successfully.`,
  rotated: (list: string): string =>
    `Keys rotated successfully (${list}). Old keys are invalidated immediately. Update your snippet and callers now.`,
  deleted: (name: string): string =>
    `Project "${name}" and all its data have been permanently deleted.`,
  verified: 'Key verified',
  dataOwnerTwice: (domain: string): string =>
    `ProjectDataRegistry: the "${domain}" domain registered its project data twice`,
  nameRequired: 'name is required',
  nameEmpty: 'name cannot be empty',
  nameTooLong: 'name must be 100 characters or less',
  domainsRequired: 'allowed_domains must be a non-empty array',
  tooManyDomains: 'Maximum 20 allowed domains per project',
  domainTooLong: (entry: string): string => `Domain '${entry}' is too long`,
  noValidDomains: 'No valid domains provided',
  idRequired: 'id is required',
  notFound: 'Project not found',
  nothingToUpdate: 'Nothing to update. Provide name or allowed_domains.',
  isActiveBoolean: 'is_active must be a boolean',
  cookielessBoolean: 'cookieless must be a boolean',
  nothingToRotate: 'Nothing to rotate. Set rotate_secret and/or rotate_public to true.',
  confirmFailed: (name: string): string =>
    `Confirmation failed. Pass "confirm": "${name}" to permanently delete this project.`,
  keyRequired: 'key is required',
  createFailed: 'Failed to create project',
  updateFailed: 'Failed to update project',
  rotateFailed: 'Failed to regenerate keys',
  deleteFailed: 'Failed to delete project',
  tokenPolicyInvalid: "token_policy must be 'auto' or 'approval'",
  encryptionKeyInvalid: `encryption_key must be ${ProtocolMessages.encryptionKeyFormats}, or null`,
  signingSecretInvalid: 'signing_secret must be a string of 16 to 128 characters, or null',
  retentionInvalid:
    'retention must be an object of days per kind: whole numbers from 0 (keep forever) to 36500, or null (receiver default)',
  retentionUnknownKind: (kind: string): string =>
    `retention has no kind '${kind}' (pageviews, errors, audit, clicks, telemetry)`,
} as const;
