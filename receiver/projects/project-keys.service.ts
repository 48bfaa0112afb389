import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { DataSource, Repository } from 'typeorm';
import { ProjectEvents } from './project.events';
import { ProjectEntity } from '../storage/entities/project.entity';
import { InjectReceiverDataSource } from '../storage/inject-receiver-data-source.decorator';
import type { ProjectKeyLookup } from '../common/auth/auth.constants';
import { secretsEqual } from '../common/auth/constant-time';
import { isStorageFault } from '../storage/storage-fault';

/**
 * Found projects are kept this long. Every tracking request authenticates, and on SQLite a
 * lookup waits for the open group-commit transaction; changes made through this process (toggle,
 * delete, key rotation, edit) drop the entry at once, other receiver instances see them within
 * this time.
 */
const KEY_CACHE_TTL_MS = 5_000;

/**
 * How long a project found before still answers for its key once the lookup fails on storage
 * (stale-if-error). With the Redis queue the database is not needed to accept an event: without
 * this, every tracking request of a database outage was refused (503) once the entry above
 * expired, although Redis would have kept the event for the workers to write after it. No key
 * can be rotated or a project turned off while the database is down, so the entry is what it
 * says; a lookup that answers again replaces it.
 */
const KEY_STALE_IF_ERROR_MS = 60 * 60_000;

/** A project found by a key, and when. */
interface FoundProject {
  project: ProjectEntity;
  foundAt: number;
}

/** Looks projects up by key. Only active projects match, as the contract requires. */
@Injectable()
export class ProjectKeysService implements ProjectKeyLookup {
  private readonly projects: Repository<ProjectEntity>;
  private readonly cache = new LRUCache<string, FoundProject>({
    max: 10_000,
    ttl: KEY_STALE_IF_ERROR_MS,
    // Read the clock on every check: the default caches it behind a timer set on nearly every
    // lookup of an authenticated request (a cost on the cached-analytics path).
    ttlResolution: 0,
  });

  constructor(@InjectReceiverDataSource() dataSource: DataSource, events: ProjectEvents) {
    this.projects = dataSource.getRepository(ProjectEntity);
    events.subscribe(({ projectId }) => {
      for (const [key, found] of this.cache.entries()) {
        if (found.project.id === projectId) this.cache.delete(key);
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
    const found = this.cache.get(`${column}:${key}`);
    if (found && Date.now() - found.foundAt < KEY_CACHE_TTL_MS) return found.project;
    return this.load(column, key, found);
  }

  private async load(
    column: 'secret_key' | 'public_key',
    key: string,
    before: FoundProject | undefined,
  ): Promise<ProjectEntity | null> {
    let project: ProjectEntity | null;
    try {
      project = await this.projects.findOne({ where: { [column]: key, is_active: true } });
    } catch (error) {
      if (before && isStorageFault(error)) return before.project;
      throw error;
    }
    // The indexed lookup finds the candidate; the final word is a constant-time comparison.
    if (!project || !secretsEqual(key, project[column])) {
      this.cache.delete(`${column}:${key}`);
      return null;
    }
    this.cache.set(`${column}:${key}`, { project, foundAt: Date.now() });
    return project;
  }
}
