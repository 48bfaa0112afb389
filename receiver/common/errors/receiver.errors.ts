/**
 * What went wrong, in the domain's words. The receiver's exception filter turns each kind into
 * the contract's status and envelope ({@link RECEIVER_ERROR_STATUS}); anything else calling a
 * service (the CLI, a test, a host application) reads the plain `message`.
 */
export type ReceiverErrorKind =
  'invalid-input' | 'unauthenticated' | 'refused' | 'not-found' | 'failed' | 'unavailable';

/** HTTP status of each {@link ReceiverErrorKind} (contract 1.5). */
export const RECEIVER_ERROR_STATUS: Readonly<Record<ReceiverErrorKind, number>> = {
  'invalid-input': 400,
  unauthenticated: 401,
  refused: 403,
  'not-found': 404,
  failed: 500,
  unavailable: 503,
};

/** A domain error: validators and services throw these, never HTTP exceptions. */
export class ReceiverError extends Error {
  constructor(
    readonly kind: ReceiverErrorKind,
    message: string,
    /** Seconds the client should wait before trying again, sent as `Retry-After` (503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that breaks a rule of the contract (answered 400 with the rule's message). */
export class InvalidInputError extends ReceiverError {
  constructor(message: string) {
    super('invalid-input', message);
  }
}

/** Missing, unknown or revoked credentials (401: the client may fetch new ones and retry). */
export class AuthenticationError extends ReceiverError {
  constructor(message: string) {
    super('unauthenticated', message);
  }
}

/**
 * Valid credentials, but this request is not acceptable (403): a bad or replayed signature, a token
 * used for another host, a host awaiting approval. Distinct from 401 so clients keep their token.
 */
export class RefusedError extends ReceiverError {
  constructor(message: string) {
    super('refused', message);
  }
}

/** A project, link, host or flag that does not exist in the caller's scope (404). */
export class NotFoundError extends ReceiverError {
  constructor(message: string) {
    super('not-found', message);
  }
}
