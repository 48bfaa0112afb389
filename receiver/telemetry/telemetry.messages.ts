import { ENCRYPTION_SCHEME, SIGNATURE_WINDOW_SECONDS } from '../../lib/protocol';

/** Texts of the telemetry, flags and hosts APIs. */
export const TelemetryMessages = {
  reportNotStored: 'Service temporarily unavailable, the report was not stored. Retry later.',
  answerFlagsUnreadable: (reason: string): string =>
    `Feature flags unreadable (${reason}): stored reports are acknowledged without feature_flags, clients keep theirs`,
  answerFlagsReadable: 'Feature flags readable again: report answers carry them',
  credentialsRequired:
    'Telemetry credentials required: Authorization: Bearer <token> or X-API-Key: <secret key>',
  invalidToken: 'Invalid or revoked telemetry token',
  invalidApiKey: 'Invalid API key',
  tokenKeyRequired: 'A project key is required (X-API-Key header or ?key=)',
  publicKeyNeedsApproval:
    "A public key can only request tokens for projects whose token_policy is 'approval'",
  hostPending: (host: string): string =>
    `Host "${host}" is pending approval by an administrator; try again once it is approved`,
  tokenForOtherHost: (host: string): string =>
    `This token was issued for another host than "${host}"`,
  signatureMissing: 'Missing X-Telemetry-Signature: this project requires signed reports',
  signatureInvalid: 'Invalid X-Telemetry-Signature',
  timestampInvalid: `X-Telemetry-Timestamp must be unix seconds within ${SIGNATURE_WINDOW_SECONDS} s of the server clock`,
  replayed: 'Replayed request: this signature was already accepted',
  encryptionUnsupported: (scheme: string): string =>
    `Unsupported X-Telemetry-Encryption "${scheme}" (expected ${ENCRYPTION_SCHEME})`,
  encryptionNotConfigured: 'This project has no encryption_key: send the report unencrypted',
  decryptFailed: 'Could not decrypt the payload (wrong key or corrupted envelope)',
  invalidJson: 'Invalid or missing JSON body',
  hostRequired: 'host is required (a non-empty string of at most 191 characters)',
  timestampBad: 'timestamp must be an ISO-8601 date-time or unix seconds, not in the future',
  dataRequired: 'data must be a non-empty object',
  tooManyKeys: (max: number): string => `data may hold at most ${max} keys`,
  keyInvalid: (key: string): string => `data key "${key.slice(0, 50)}" must be 1 to 191 characters`,
  valueTooLarge: (key: string): string =>
    `data value of "${key.slice(0, 50)}" is larger than 16 KB once encoded`,
  numberOutOfRange: (literal: string): string =>
    `the number ${literal.slice(0, 50)} is beyond what a number can hold (about ±1.8e308): send it as a string`,
  integersRounded: (projectId: number, literal: string): string =>
    `Telemetry reports of project ${projectId} carry integers beyond ±9007199254740991 (first: ${literal.slice(0, 50)}): they are stored as the nearest double; send such values as strings to keep every digit`,
  metadataBad: 'metadata must be an object {<data key>: {type?, unit?}}',
  metadataTypeBad: (key: string): string =>
    `metadata type of "${key.slice(0, 50)}" must be 'gauge', 'counter' or 'info'`,
  metadataUnitBad: (key: string): string =>
    `metadata unit of "${key.slice(0, 50)}" must be a string of 1 to 32 characters`,
  batchRoundsBad: (max: number): string =>
    `rounds must be a list of 1 to ${max} reports {host, timestamp, data}`,
  encodingUnsupported: (encoding: string): string =>
    `Unsupported Content-Encoding "${encoding.slice(0, 50)}" (expected gzip or none)`,
  encodingCorrupt: 'The gzip-compressed body could not be decompressed',
  inflatedTooLarge: 'The decompressed body is too large',
  tokenIssued: 'Token issued',
  hostsListed: 'Hosts fetched successfully',
  hostFetched: 'Host fetched successfully',
  historyFetched: 'Key history fetched successfully',
  hostNotFound: (host: string): string => `Host "${host}" not found`,
  hostApproved: (host: string): string => `Host "${host}" approved`,
  hostDeleted: (host: string): string => `Host "${host}" and its telemetry were deleted`,
  extrasUpdated: (host: string): string => `Response extras of "${host}" updated`,
  extrasInvalid:
    'The body must be a JSON object of response keys (e.g. {"maintenance_mode": true})',
  extrasReserved: 'feature_flags is reserved for flags: manage them through /api/flags',
  bucketInvalid: "bucket must be 'raw', 'hour' or 'day'",
  rangeInvalid: "'from' and 'to' must be ISO-8601 dates, with 'from' before 'to'",
  flagsListed: 'Flags fetched successfully',
  flagSaved: (name: string): string => `Flag "${name}" saved`,
  flagDeleted: (name: string): string => `Flag "${name}" deleted`,
  flagNotFound: (name: string): string => `Flag "${name}" not found`,
  flagNameInvalid: 'Flag names are 1 to 191 characters of letters, digits, ".", "_", ":" or "-"',
  flagDefaultRequired: 'defaultValue is required (any JSON value except null)',
  flagHostsInvalid: 'hosts must be an object {host: value}',
  flagRolloutInvalid: 'rollout must be {percent: 0..100, value: <JSON value>}',
  flagDescriptionInvalid: 'description must be a string of at most 1000 characters',
} as const;
