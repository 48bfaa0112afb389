import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { receiverState } from '../../request/receiver-request';
import { RECEIVER_AUTH_METADATA, type ReceiverAuthKind } from '../auth.constants';

/** Declares which key a route requires (checked by `ReceiverAuthGuard`, after the rate limit). */
export const ReceiverAuth = (kind: ReceiverAuthKind): MethodDecorator & ClassDecorator =>
  SetMetadata(RECEIVER_AUTH_METADATA, kind);

/** The project whose key authenticated the request (`secret`, `public` and `either` routes). */
export const CurrentProject = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    receiverState(context.switchToHttp().getRequest()).project,
);

/** Which of the project's keys authenticated the request (`either` routes accept both). */
export const CurrentKeyType = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    receiverState(context.switchToHttp().getRequest()).keyType,
);
