import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { DataSource, Repository } from 'typeorm';
import { ProjectEvents } from '../../projects/project.events';
import { ProjectEntity } from '../../storage/entities/project.entity';
import { TelemetryHostEntity } from '../../storage/entities/telemetry-host.entity';
import { TelemetryTokenEntity } from '../../storage/entities/telemetry-token.entity';
import { InjectReceiverDataSource } from '../../storage/inject-receiver-data-source.decorator';
import { TelemetryHostsRepository } from '../hosts/telemetry-hosts.repository';
import { TOKEN_CACHE_TTL_MS } from '../telemetry.constants';

interface Resolved {
  project: ProjectEntity;
  host: TelemetryHostEntity;
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Bearer tokens of telemetry hosts. Only a SHA-256 of each token is stored: a database leak does
 * not hand out working credentials. Earlier tokens of a host stay valid, so replicas of one host
 * that fetch tokens at the same time do not lock each other out; deleting the host revokes them.
 */
@Injectable()
export class TelemetryTokensService {
  private readonly tokens: Repository<TelemetryTokenEntity>;
  /**
   * Resolved tokens by hash: every report of a token-holding host authenticates, and three reads
   * per report cost more than storing it. Changes made through this process (host approved,
   * deleted or edited, project toggled, edited or deleted) drop entries at once; other receiver
   * instances see them within {@link TOKEN_CACHE_TTL_MS}.
   */
  private readonly cache = new LRUCache<string, Resolved>({
    max: 10_000,
    ttl: TOKEN_CACHE_TTL_MS,
    // Read the clock on every check: the default caches it behind a timer, set again on nearly
    // every lookup (one per report).
    ttlResolution: 0,
  });

  constructor(
    @InjectReceiverDataSource() private readonly dataSource: DataSource,
    events: ProjectEvents,
    hosts: TelemetryHostsRepository,
  ) {
    this.tokens = dataSource.getRepository(TelemetryTokenEntity);
    events.subscribe(({ projectId }) => this.drop((entry) => entry.project.id === projectId));
    hosts.onForget((host) => this.drop((entry) => entry.host.id === host.id));
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
  async resolve(token: string): Promise<Resolved | null> {
    const hash = hashToken(token);
    const cached = this.cache.get(hash);
    if (cached) return cached;
    const row = await this.tokens.findOneBy({ token_hash: hash });
    if (!row) return null;
    const [project, host] = await Promise.all([
      this.dataSource.getRepository(ProjectEntity).findOneBy({ id: row.project_id }),
      this.dataSource.getRepository(TelemetryHostEntity).findOneBy({ id: row.host_id }),
    ]);
    if (!project?.is_active || !host || host.status !== 'approved') return null;
    this.cache.set(hash, { project, host });
    return { project, host };
  }

  private drop(matches: (entry: Resolved) => boolean): void {
    for (const [hash, entry] of this.cache.entries()) {
      if (matches(entry)) this.cache.delete(hash);
    }
  }
}
