import { byteLength, isEmpty, phpTrim, stringField } from '../common/input/php-input';
import { retentionSettings } from './project-retention-input';
import { privacySettings } from './project-privacy-input';
import { telemetrySettings } from './project-telemetry-input';
import { ProjectsMessages } from './projects.messages';
import { InvalidInputError } from '../common/errors/receiver.errors';

const MAX_DOMAINS = 20;
const MAX_DOMAIN_LENGTH = 253;
const MAX_NAME_BYTES = 100;

const bad = (message: string) => new InvalidInputError(message);

/**
 * Validates `allowed_domains` and cleans each entry as Micrologs does: trim, drop a lower-case
 * `http://`/`https://` prefix and trailing slashes, lower-case, skip empties, de-duplicate.
 */
export function cleanDomains(value: unknown[]): string[] {
  if (value.length > MAX_DOMAINS) throw bad(ProjectsMessages.tooManyDomains);
  const cleaned: string[] = [];
  for (const entry of value) {
    if (typeof entry === 'object' && entry !== null) throw bad(ProjectsMessages.domainsRequired);
    const text = stringField({ entry }, 'entry');
    if (text === undefined) continue;
    const domain = text
      .replace(/^https?:\/\//, '')
      .replace(/\/+$/, '')
      .toLowerCase();
    if (domain === '') continue;
    if (domain.length > MAX_DOMAIN_LENGTH) throw bad(ProjectsMessages.domainTooLong(domain));
    if (!cleaned.includes(domain)) cleaned.push(domain);
  }
  if (cleaned.length === 0) throw bad(ProjectsMessages.noValidDomains);
  return cleaned;
}

/** `allowed_domains` must be a non-empty array (checked before the name length, as in PHP). */
export function assertDomainsArray(value: unknown): asserts value is unknown[] {
  if (!Array.isArray(value) || value.length === 0) throw bad(ProjectsMessages.domainsRequired);
}

/** The required project name of create (trimmed, ≤ 100 bytes). */
export function requiredName(body: Record<string, unknown>): string {
  const name = stringField(body, 'name');
  if (isEmpty(name)) throw bad(ProjectsMessages.nameRequired);
  return name as string;
}

export function assertNameLength(name: string): void {
  if (byteLength(name) > MAX_NAME_BYTES) throw bad(ProjectsMessages.nameTooLong);
}

/** Stored comma list → array, empty entries removed. */
export const splitDomains = (stored: string): string[] =>
  stored.split(',').map(phpTrim).filter(Boolean);

/** A project to create, validated: what the API's create body and the CLI's options both become. */
export interface NewProject {
  name: string;
  /** Cleaned (see {@link cleanDomains}). */
  domains: string[];
  /** Telemetry, privacy and retention settings. */
  settings: ReturnType<typeof telemetrySettings> &
    ReturnType<typeof privacySettings> &
    ReturnType<typeof retentionSettings>;
}

/**
 * Checks a create request — `name`, `allowed_domains` (array), the telemetry and privacy settings
 * and the `retention` periods — in the contract's order (name required, domains array, name
 * length, each domain, settings).
 */
export function parseNewProject(body: Record<string, unknown>): NewProject {
  const name = requiredName(body);
  assertDomainsArray(body.allowed_domains);
  assertNameLength(name);
  const domains = cleanDomains(body.allowed_domains);
  return {
    name,
    domains,
    settings: { ...telemetrySettings(body), ...privacySettings(body), ...retentionSettings(body) },
  };
}
