import type { ProjectEntity } from '../../storage/entities/project.entity';

/** Metadata key of `@ReceiverAuth()`. */
export const RECEIVER_AUTH_METADATA = 'receiver:auth';

/**
 * Authentication schemes of the Micrologs contract (1.4):
 * `admin` — `X-Admin-Key`; `secret` — project secret key; `public` — public key + domain lock
 * (403 on a foreign domain); `either` — secret key, else public key with domain lock (401 only);
 * `none` — no key.
 */
export type ReceiverAuthKind = 'admin' | 'secret' | 'public' | 'either' | 'none';

/**
 * What the auth guard asks of the projects domain, under {@link PROJECT_KEY_LOOKUP} (provided by
 * `ProjectKeysService`): the request pipeline sits below the domains and imports none of them.
 * A lookup may answer synchronously (a key found moments ago): the guard then decides without
 * waiting for a promise, which every tracking request would otherwise pay for.
 */
export interface ProjectKeyLookup {
  /** The active project owning this secret key. */
  findBySecretKey(key: string): ProjectEntity | null | Promise<ProjectEntity | null>;
  /** The active project owning this public key. */
  findByPublicKey(key: string): ProjectEntity | null | Promise<ProjectEntity | null>;
}

/** Injection token of the {@link ProjectKeyLookup}. */
export const PROJECT_KEY_LOOKUP = Symbol('PROJECT_KEY_LOOKUP');
