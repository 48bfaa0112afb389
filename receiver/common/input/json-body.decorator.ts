import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { CommonMessages } from '../common.messages';
import { ReceiverHttpException } from '../envelope/envelope';
import { receiverState } from '../request/receiver-request';
import { InvalidInputError } from '../errors/receiver.errors';
import { parseJsonInput } from './json-input';

/** A decoded request body: a non-empty JSON object or array. */
export type JsonBody = Record<string, unknown>;

/**
 * Decodes the raw body read by the front door (step 5 of the pipeline, after auth):
 * over 65 536 bytes → 413; empty, invalid, a scalar, `null`, `{}` or `[]` → 400; NUL characters
 * removed and nesting limited ({@link parseJsonInput}).
 */
export function decodeJsonBody(request: unknown): JsonBody {
  const body = receiverState(request).body;
  if (body?.tooLarge) throw new ReceiverHttpException(413, CommonMessages.payloadTooLarge);
  let value: unknown;
  try {
    value = parseJsonInput((body?.raw ?? Buffer.alloc(0)).toString('utf8'));
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError(CommonMessages.invalidJson);
  }
  if (typeof value !== 'object' || value === null || isEmptyContainer(value)) {
    throw new InvalidInputError(CommonMessages.invalidJson);
  }
  return value as JsonBody;
}

/** `{}` or `[]`, without listing the keys of every body to find out. */
function isEmptyContainer(value: object): boolean {
  if (Array.isArray(value)) return value.length === 0;
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}

/** The decoded JSON body of a receiver route (see {@link decodeJsonBody}). */
export const Body = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  decodeJsonBody(context.switchToHttp().getRequest()),
);

/** The exact bytes of the body, for signature checks (`Buffer`, empty when there was none). */
export const RawBody = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Buffer =>
    receiverState(context.switchToHttp().getRequest()).body?.raw ?? Buffer.alloc(0),
);
