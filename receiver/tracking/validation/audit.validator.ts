import { type JsonBody } from '../../common';
import { LIMITS } from '../tracking.constants';
import { TrackingMessages } from '../tracking.messages';
import { contextField, isBlank, text } from './field.rules';
import { InvalidInputError } from '../../common/errors/receiver.errors';

/** The audit fields after validation (contract 2.2.3). */
export interface ValidAudit {
  action: string;
  actor: string;
  context: unknown;
}

export function validateAudit(body: JsonBody): ValidAudit {
  const action = text(body, 'action', LIMITS.action);
  if (isBlank(action)) throw new InvalidInputError(TrackingMessages.actionRequired);
  return { action, actor: text(body, 'actor', LIMITS.actor), context: contextField(body) };
}
