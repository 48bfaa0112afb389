/** Metadata key of `@ReceiverAuth()`. */
export const RECEIVER_AUTH_METADATA = 'receiver:auth';

/**
 * Authentication schemes of the Micrologs contract (1.4):
 * `admin` — `X-Admin-Key`; `secret` — project secret key; `public` — public key + domain lock
 * (403 on a foreign domain); `either` — secret key, else public key with domain lock (401 only);
 * `none` — no key.
 */
export type ReceiverAuthKind = 'admin' | 'secret' | 'public' | 'either' | 'none';
