import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { receiverState } from '../../request/receiver-request';

/** The project whose key authenticated the request (`secret`, `public` and `either` routes). */
export const CurrentProject = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    receiverState(context.switchToHttp().getRequest()).project,
);
