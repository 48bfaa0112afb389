import { ProtocolMessages } from '../protocol';

/** Every log and error text of the security capability, in one place. */
export const SecurityMessages = {
  signingKeyMissing: (): string =>
    'Signing enabled but key/header missing. Reports are sent without a signature.',
  invalidEncryptionKey: (): string =>
    `TELEMETRY_ENCRYPTION_KEY must be ${ProtocolMessages.encryptionKeyFormats}; ` +
    `${ProtocolMessages.generateEncryptionKey}.`,
  refusedCustomHeaders: (names: string[]): string =>
    `customHeaders cannot override ${names.join(', ')}: ignored (they carry the token, the ` +
    'signature and the body type, which the package sets itself).',
  invalidCustomHeader: (name: string): string =>
    `customHeaders entry ${JSON.stringify(name)} is not a valid header name/value pair: ignored.`,
  insecureTransport: (url: string): string =>
    `Sending credentials (token or signature) over plain HTTP to ${url}: anyone on the path can read ` +
    'or replay them. Use https:// or set allowInsecureTransport: true to silence this warning.',
  tokenFetchFailed: (reason: string): string => `Exception while fetching auth token: ${reason}`,
  tokenFetchRecovered: (seconds: number): string =>
    `The auth token URL answers again after ${seconds} s.`,
  tokenMissingInAnswer: (): string => 'Auth endpoint did not return a token.',
  tokenRejected: (): string =>
    'Telemetry server returned 401 Unauthorized. Clearing cached token and fetching a new one.',
  tokenRejectedAgain: (): string =>
    'Telemetry server refused the freshly fetched token too (401); the reports stay in the outbox.',
  tokenAcceptedAgain: (): string => 'Telemetry server accepts the auth token again.',
  tokenStoreFailed: (reason: string): string =>
    `Could not read or write the cached auth token in the telemetry store: ${reason}`,
} as const;
