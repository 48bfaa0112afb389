import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { DataSource, Repository } from 'typeorm';
import { ProjectEntity } from '../../storage/entities/project.entity';
import { TelemetryHostEntity } from '../../storage/entities/telemetry-host.entity';
import { TelemetryTokenEntity } from '../../storage/entities/telemetry-token.entity';
import { InjectReceiverDataSource } from '../../storage/inject-receiver-data-source.decorator';

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Bearer tokens of telemetry hosts. Only a SHA-256 of each token is stored: a database leak does
 * not hand out working credentials. Earlier tokens of a host stay valid, so replicas of one host
 * that fetch tokens at the same time do not lock each other out; deleting the host revokes them.
 */
@Injectable()
export class TelemetryTokensService {
  private readonly tokens: Repository<TelemetryTokenEntity>;

  constructor(@InjectReceiverDataSource() private readonly dataSource: DataSource) {
    this.tokens = dataSource.getRepository(TelemetryTokenEntity);
  }

  /** Issues a new token for an approved host and returns it (the only time it is visible). */
  async issue(host: TelemetryHostEntity): Promise<string> {
    const token = randomBytes(32).toString('hex');
    await this.tokens.insert({
      project_id: host.project_id,
      host_id: host.id,
      token_hash: hashToken(token),
      created_at: new Date(),
      last_used_at: null,
    });
    return token;
  }

  /** The active project and approved host a token belongs to, or `null`. */
  async resolve(
    token: string,
  ): Promise<{ project: ProjectEntity; host: TelemetryHostEntity } | null> {
    const row = await this.tokens.findOneBy({ token_hash: hashToken(token) });
    if (!row) return null;
    const [project, host] = await Promise.all([
      this.dataSource.getRepository(ProjectEntity).findOneBy({ id: row.project_id }),
      this.dataSource.getRepository(TelemetryHostEntity).findOneBy({ id: row.host_id }),
    ]);
    if (!project?.is_active || !host || host.status !== 'approved') return null;
    return { project, host };
  }
}
