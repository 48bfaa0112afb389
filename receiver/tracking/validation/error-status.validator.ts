import { intField, stringField, type JsonBody } from '../../common';
import type { ErrorStatus } from '../../storage/entities';
import { ERROR_STATUSES, MAX_STATUS_IDS } from '../tracking.constants';
import { TrackingMessages } from '../tracking.messages';
import { InvalidInputError } from '../../common/errors/receiver.errors';

/** A validated status change (contract 2.2.4). */
export interface ValidStatusChange {
  status: ErrorStatus;
  ids: number[];
}

/**
 * Checks in the contract's order: status, presence of `ids`/`id`, normalisation (wrap, integer
 * cast, drop zeros, de-duplicate; an object's values are the list, as PHP reads one), then the
 * 100-id cap.
 */
export function validateStatusChange(body: JsonBody): ValidStatusChange {
  // A list or object is not a status either: the contract's message, not a type error.
  const status = typeof body.status === 'object' ? '' : (stringField(body, 'status') ?? '');
  if (!(ERROR_STATUSES as readonly string[]).includes(status)) {
    throw new InvalidInputError(TrackingMessages.statusInvalid);
  }
  const present = (value: unknown): boolean => value !== undefined && value !== null;
  const raw = present(body.ids) ? body.ids : present(body.id) ? body.id : undefined;
  if (raw === undefined) throw new InvalidInputError(TrackingMessages.idsRequired);
  // PHP decodes a JSON object to an associative array, which it takes as the list of its values.
  const values: unknown[] = Array.isArray(raw)
    ? raw
    : typeof raw === 'object'
      ? Object.values(raw as object)
      : [raw];
  const ids = [
    ...new Set(values.map((value) => intField({ value }, 'value')).filter((id) => id !== 0)),
  ];
  if (ids.length === 0) throw new InvalidInputError(TrackingMessages.noValidIds);
  if (ids.length > MAX_STATUS_IDS) {
    throw new InvalidInputError(TrackingMessages.tooManyIds);
  }
  return { status: status as ErrorStatus, ids };
}
