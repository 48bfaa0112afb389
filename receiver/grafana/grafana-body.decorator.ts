import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { decodeJsonBody, type JsonBody } from '../common/input/json-body.decorator';
import { receiverState } from '../common/request/receiver-request';

/**
 * The JSON body of a datasource request. Grafana sends `{}` (or nothing) to some routes — the
 * receiver's `@Body()` refuses an empty body, so those are read as `{}`; anything else goes
 * through the same decoding (413, 400 on bad JSON).
 */
export const GrafanaBody = createParamDecorator(
  (_data: unknown, context: ExecutionContext): JsonBody => {
    const request = context.switchToHttp().getRequest<unknown>();
    const body = receiverState(request).body;
    const text = body && !body.tooLarge ? body.raw.toString('utf8').trim() : undefined;
    if (text === '' || text === '{}' || body === undefined) return {};
    return decodeJsonBody(request);
  },
);
