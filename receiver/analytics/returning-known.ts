import type { Envelope } from '../common/envelope/envelope';
import type { ProjectEntity } from '../storage/entities/project.entity';

/**
 * Adds `returning_visitors_known: false` for a cookieless project, whose visitor ids change every
 * day, so nobody can be recognised as returning (and a visitor seen on several days of the range
 * counts once per day). Cookie-mode answers keep the contract's exact shape. Added outside the
 * cache: it follows the project's current setting.
 */
export async function withReturningKnown<T extends Envelope<object>>(
  project: ProjectEntity,
  answer: Promise<T>,
): Promise<T> {
  const envelope = await answer;
  if (!project.cookieless) return envelope;
  return { ...envelope, data: { ...envelope.data, returning_visitors_known: false } };
}
