import { MAX_RETENTION_DAYS, RETENTION_KINDS } from '../config/receiver-options.constants';
import type { RetentionKind } from '../config/receiver-options.interface';
import { InvalidInputError } from '../common/errors/receiver.errors';
import type { ProjectEntity } from '../storage/entities/project.entity';
import { ProjectsMessages } from './projects.messages';

type RetentionColumn = `retention_${RetentionKind}_days`;
type RetentionSettings = Partial<Pick<ProjectEntity, RetentionColumn>>;

/** The project column holding the retention period of `kind`. */
export const retentionColumn = (kind: RetentionKind): RetentionColumn => `retention_${kind}_days`;

/**
 * The `retention` object of create and edit: `{ "pageviews": 90, "errors": null, … }` — days per
 * kind (`0` keeps forever), `null` to follow the receiver's default again. Kinds left out keep
 * their setting.
 */
export function retentionSettings(body: Record<string, unknown>): RetentionSettings {
  const given = body.retention;
  if (given === undefined || given === null) return {};
  if (typeof given !== 'object' || Array.isArray(given)) {
    throw new InvalidInputError(ProjectsMessages.retentionInvalid);
  }
  const settings: RetentionSettings = {};
  for (const [kind, days] of Object.entries(given as Record<string, unknown>)) {
    if (!(RETENTION_KINDS as readonly string[]).includes(kind)) {
      throw new InvalidInputError(ProjectsMessages.retentionUnknownKind(kind));
    }
    const valid =
      days === null ||
      (typeof days === 'number' &&
        Number.isSafeInteger(days) &&
        days >= 0 &&
        days <= MAX_RETENTION_DAYS);
    if (!valid) throw new InvalidInputError(ProjectsMessages.retentionInvalid);
    settings[retentionColumn(kind as RetentionKind)] = days as number | null;
  }
  return settings;
}

/** A project's own retention periods as the API shows them (`null` = the receiver's default). */
export function retentionOf(project: ProjectEntity): Record<RetentionKind, number | null> {
  const shown = {} as Record<RetentionKind, number | null>;
  for (const kind of RETENTION_KINDS) shown[kind] = project[retentionColumn(kind)] ?? null;
  return shown;
}
