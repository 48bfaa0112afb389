import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { DataSource, Repository } from 'typeorm';
import { ProjectEvents } from './project.events';
import { ProjectEntity } from '../storage/entities/project.entity';
import { InjectReceiverDataSource } from '../storage/inject-receiver-data-source.decorator';
import type { ProjectKeyLookup } from '../common/auth/auth.constants';
import { secretsEqual } from '../common/auth/constant-time';

/**
 * Found projects are kept this long. Every tracking request authenticates, and on SQLite a
 * lookup waits for the open group-commit transaction; changes made through this process (toggle,
 * delete, key rotation, edit) drop the entry at once, other receiver instances see them within
 * this time.
 */
const KEY_CACHE_TTL_MS = 5_000;

/** Looks projects up by key. Only active projects match, as the contract requires. */
@Injectable()
export class ProjectKeysService implements ProjectKeyLookup {
  private readonly projects: Repository<ProjectEntity>;
  private readonly cache = new LRUCache<string, ProjectEntity>({
    max: 10_000,
    ttl: KEY_CACHE_TTL_MS,
    // Read the clock on every check: the default caches it behind a timer set on nearly every
    // lookup of an authenticated request (a cost on the cached-analytics path).
    ttlResolution: 0,
  });

  constructor(@InjectReceiverDataSource() dataSource: DataSource, events: ProjectEvents) {
    this.projects = dataSource.getRepository(ProjectEntity);
    events.subscribe(({ projectId }) => {
      for (const [key, project] of this.cache.entries()) {
        if (project.id === projectId) this.cache.delete(key);
      }
    });
  }

  /**
   * The active project owning this secret key: at once (not a promise) when it was found within
   * the cache's lifetime.
   */
  findBySecretKey(key: string): ProjectEntity | null | Promise<ProjectEntity | null> {
    return this.find('secret_key', key);
  }

  /**
   * The active project owning this public key: at once (not a promise) when it was found within
   * the cache's lifetime.
   */
  findByPublicKey(key: string): ProjectEntity | null | Promise<ProjectEntity | null> {
    return this.find('public_key', key);
  }

  private find(
    column: 'secret_key' | 'public_key',
    key: string,
  ): ProjectEntity | null | Promise<ProjectEntity | null> {
    if (!key) return null;
    return this.cache.get(`${column}:${key}`) ?? this.load(column, key);
  }

  private async load(
    column: 'secret_key' | 'public_key',
    key: string,
  ): Promise<ProjectEntity | null> {
    const project = await this.projects.findOne({ where: { [column]: key, is_active: true } });
    // The indexed lookup finds the candidate; the final word is a constant-time comparison.
    if (!project || !secretsEqual(key, project[column])) return null;
    this.cache.set(`${column}:${key}`, project);
    return project;
  }
}
