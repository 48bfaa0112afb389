import { Injectable } from '@nestjs/common';
import { AuthenticationError } from '../../common/errors/receiver.errors';
import { ProjectKeysService } from '../../projects/project-keys.service';
import type { ProjectEntity } from '../../storage/entities/project.entity';
import type { TelemetryHostEntity } from '../../storage/entities/telemetry-host.entity';
import { TelemetryMessages } from '../telemetry.messages';
import { TelemetryTokensService } from './telemetry-tokens.service';

/** The credential headers of a telemetry request, as sent (empty when absent). */
export interface TelemetryCredentials {
  authorization: string;
  apiKey: string;
}

/** Who is calling: the project, and the host when a host token was used. */
export interface TelemetryCaller {
  project: ProjectEntity;
  tokenHost?: TelemetryHostEntity;
}

/**
 * Authenticates telemetry reports and flag reads: `Authorization: Bearer <token>` issued to a
 * host, or the project's secret key in `X-API-Key` — or as the bearer token, which is how
 * laravel-telemetry-reporter sends its static `TELEMETRY_AUTH_TOKEN` (it has no other place for a
 * fixed credential). A bearer token wins when both headers are sent. Failures are
 * {@link AuthenticationError} (401).
 */
@Injectable()
export class TelemetryAuthenticator {
  constructor(
    private readonly tokens: TelemetryTokensService,
    private readonly keys: ProjectKeysService,
  ) {}

  async authenticate({ authorization, apiKey }: TelemetryCredentials): Promise<TelemetryCaller> {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    if (bearer) {
      const resolved = await this.tokens.resolve(bearer);
      if (resolved) return { project: resolved.project, tokenHost: resolved.host };
      const project = await this.keys.findBySecretKey(bearer);
      if (!project) throw new AuthenticationError(TelemetryMessages.invalidToken);
      return { project };
    }
    const key = apiKey.trim();
    if (!key) throw new AuthenticationError(TelemetryMessages.credentialsRequired);
    const project = await this.keys.findBySecretKey(key);
    if (!project) throw new AuthenticationError(TelemetryMessages.invalidApiKey);
    return { project };
  }
}
