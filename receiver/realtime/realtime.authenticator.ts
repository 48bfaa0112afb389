import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { PROJECT_KEY_LOOKUP, type ProjectKeyLookup } from '../common/auth/auth.constants';
import { header, queryParam } from '../common/request/receiver-request';
import { RealtimeTokensService } from './realtime-tokens.service';

/** Why a realtime connection was refused: no credentials (401) or wrong/expired ones (401 too). */
export type RealtimeAuthResult = { projectId: number } | { refused: 'missing' | 'invalid' };

/**
 * Who may open a feed, for WebSocket upgrades and SSE alike: a project's secret key in
 * `X-API-Key` (server-side clients), or a token minted by the admin API in
 * `Authorization: Bearer …` or `?token=` (browsers: `WebSocket` and `EventSource` send no
 * headers). A secret key is never read from the URL, where logs and proxies would keep it.
 */
@Injectable()
export class RealtimeAuthenticator {
  constructor(
    @Inject(PROJECT_KEY_LOOKUP) private readonly keys: ProjectKeyLookup,
    private readonly tokens: RealtimeTokensService,
  ) {}

  async authenticate(request: IncomingMessage): Promise<RealtimeAuthResult> {
    const key = header(request, 'x-api-key').trim();
    if (key) {
      const project = await this.keys.findBySecretKey(key);
      return project ? { projectId: project.id } : { refused: 'invalid' };
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(header(request, 'authorization'))?.[1];
    const token = bearer ?? queryParam(request, 'token');
    if (!token) return { refused: 'missing' };
    const grant = this.tokens.verify(token);
    return grant ? { projectId: grant.projectId } : { refused: 'invalid' };
  }
}
