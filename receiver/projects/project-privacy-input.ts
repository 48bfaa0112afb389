import type { ProjectEntity } from '../storage/entities/project.entity';
import { ProjectsMessages } from './projects.messages';
import { InvalidInputError } from '../common/errors/receiver.errors';

type PrivacySettings = Partial<Pick<ProjectEntity, 'cookieless'>>;

/**
 * Privacy settings accepted by create and edit: `cookieless` (boolean; default `false`). Absent
 * fields are left as they are.
 */
export function privacySettings(body: Record<string, unknown>): PrivacySettings {
  const settings: PrivacySettings = {};
  if (body.cookieless !== undefined && body.cookieless !== null) {
    if (typeof body.cookieless !== 'boolean') {
      throw new InvalidInputError(ProjectsMessages.cookielessBoolean);
    }
    settings.cookieless = body.cookieless;
  }
  return settings;
}
