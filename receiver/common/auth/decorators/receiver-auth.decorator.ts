import { SetMetadata } from '@nestjs/common';
import { RECEIVER_AUTH_METADATA, type ReceiverAuthKind } from '../auth.constants';

/** Declares which key a route requires (checked by `ReceiverAuthGuard`, after the rate limit). */
export const ReceiverAuth = (kind: ReceiverAuthKind): MethodDecorator & ClassDecorator =>
  SetMetadata(RECEIVER_AUTH_METADATA, kind);
