import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { header, receiverState } from '../../common/request/receiver-request';
import { TelemetryAuthenticator } from './telemetry.authenticator';

/**
 * The HTTP side of {@link TelemetryAuthenticator}: hands it the credential headers and keeps the
 * caller in the request state (the project, and the host of a bearer token).
 */
@Injectable()
export class TelemetryAuthGuard implements CanActivate {
  constructor(private readonly authenticator: TelemetryAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<unknown>();
    const caller = await this.authenticator.authenticate({
      authorization: header(request, 'authorization'),
      apiKey: header(request, 'x-api-key'),
    });
    const state = receiverState(request);
    state.project = caller.project;
    if (caller.tokenHost) state.tokenHost = caller.tokenHost;
    else state.keyType = 'secret';
    return true;
  }
}
