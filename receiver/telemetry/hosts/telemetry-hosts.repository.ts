import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { DataSource, Repository } from 'typeorm';
import { ProjectEvents } from '../../projects/project.events';
import type { ProjectEntity } from '../../storage/entities/project.entity';
import {
  TelemetryHostEntity,
  type TelemetryHostStatus,
} from '../../storage/entities/telemetry-host.entity';
import { InjectReceiverDataSource } from '../../storage/inject-receiver-data-source.decorator';

/**
 * Found hosts are kept this long: every report looks its host up, and on SQLite a lookup waits
 * for the open group commit. Changes made through this process (approve, delete, response
 * extras, project deletion) drop the entry at once; other instances see them within this time.
 */
const HOST_CACHE_TTL_MS = 5_000;

const cacheKey = (projectId: number, host: string) => `${projectId}\u0000${host}`;

/** Finds and creates telemetry hosts (unique per project and host name). */
@Injectable()
export class TelemetryHostsRepository {
  readonly repository: Repository<TelemetryHostEntity>;
  private readonly cache = new LRUCache<string, TelemetryHostEntity>({
    max: 10_000,
    ttl: HOST_CACHE_TTL_MS,
    // Read the clock on every check: the default caches it behind a timer, set again on nearly
    // every lookup (one per report).
    ttlResolution: 0,
  });
  private readonly forgetListeners: Array<(host: TelemetryHostEntity) => void> = [];

  constructor(@InjectReceiverDataSource() dataSource: DataSource, events: ProjectEvents) {
    this.repository = dataSource.getRepository(TelemetryHostEntity);
    events.subscribe(({ type, projectId }) => {
      if (type !== 'deleted') return;
      for (const [key, host] of this.cache.entries()) {
        if (host.project_id === projectId) this.cache.delete(key);
      }
    });
  }

  /** The host row (fresh from the database: for the admin API). */
  find(projectId: number, host: string): Promise<TelemetryHostEntity | null> {
    return this.repository.findOneBy({ project_id: projectId, host });
  }

  /** Drops a host from the lookup caches (this one and every {@link onForget} listener's). */
  forget(host: TelemetryHostEntity): void {
    this.cache.delete(cacheKey(host.project_id, host.host));
    this.forgetListeners.forEach((listener) => listener(host));
  }

  /** Lets other caches of host rows (bearer tokens) drop a host when it changes or goes. */
  onForget(listener: (host: TelemetryHostEntity) => void): void {
    this.forgetListeners.push(listener);
  }

  /**
   * The host row for a report, created with `status` when new. Two replicas reporting for the
   * first time at once race on the unique key: the loser reads the winner's row.
   */
  async findOrCreate(
    project: ProjectEntity,
    host: string,
    status: TelemetryHostStatus,
  ): Promise<TelemetryHostEntity> {
    const key = cacheKey(project.id, host);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const found = (await this.find(project.id, host)) ?? (await this.create(project, host, status));
    this.cache.set(key, found);
    return found;
  }

  private async create(
    project: ProjectEntity,
    host: string,
    status: TelemetryHostStatus,
  ): Promise<TelemetryHostEntity> {
    try {
      return await this.repository.save(
        this.repository.create({
          project_id: project.id,
          host,
          status,
          response_extras: {},
          first_seen: new Date(),
          last_seen: null,
          report_count: 0,
          avg_interval_seconds: null,
        }),
      );
    } catch (error) {
      const raced = await this.find(project.id, host);
      if (raced) return raced;
      throw error;
    }
  }
}
