import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ProjectKeysService } from '../../projects/project-keys.service';
import { ReceiverHttpException } from '../../common/envelope/receiver-http.exception';
import { header, receiverState } from '../../common/request/receiver-request';
import { TelemetryMessages } from '../telemetry.messages';
import { TelemetryTokensService } from './telemetry-tokens.service';

/**
 * Authenticates telemetry reports and flag reads: `Authorization: Bearer <token>` issued to a
 * host, or the project's secret key in `X-API-Key`. A bearer token wins when both are sent.
 */
@Injectable()
export class TelemetryAuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TelemetryTokensService,
    private readonly keys: ProjectKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<unknown>();
    const state = receiverState(request);
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header(request, 'authorization'))?.[1];
    if (bearer) {
      const resolved = await this.tokens.resolve(bearer);
      if (!resolved) throw new ReceiverHttpException(401, TelemetryMessages.invalidToken);
      state.project = resolved.project;
      state.tokenHost = resolved.host;
      return true;
    }
    const key = header(request, 'x-api-key').trim();
    if (!key) throw new ReceiverHttpException(401, TelemetryMessages.credentialsRequired);
    const project = await this.keys.findBySecretKey(key);
    if (!project) throw new ReceiverHttpException(401, TelemetryMessages.invalidApiKey);
    state.project = project;
    state.keyType = 'secret';
    return true;
  }
}
