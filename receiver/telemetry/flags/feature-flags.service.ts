import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { DataSource, Repository } from 'typeorm';
import { FeatureFlagEntity } from '../../storage/entities/feature-flag.entity';
import { InjectReceiverDataSource } from '../../storage/inject-receiver-data-source.decorator';
import { TelemetryMessages } from '../telemetry.messages';
import type { FlagDefinition } from './flag-input';
import { resolveFlags } from './flag-resolver';
import { NotFoundError } from '../../common/errors/receiver.errors';

/**
 * How long a project's flags are reused before the database is read again. Changes made through
 * this instance apply at once; other instances sharing the database see them within this time.
 */
const FLAGS_CACHE_MS = 2_000;

/** Feature flags of projects: storage and per-host resolution. */
@Injectable()
export class FeatureFlagsService {
  private readonly flags: Repository<FeatureFlagEntity>;
  private readonly cache = new Map<number, { at: number; flags: Promise<FeatureFlagEntity[]> }>();

  constructor(@InjectReceiverDataSource() dataSource: DataSource) {
    this.flags = dataSource.getRepository(FeatureFlagEntity);
  }

  list(projectId: number): Promise<FeatureFlagEntity[]> {
    return this.flags.find({ where: { project_id: projectId }, order: { name: 'ASC' } });
  }

  /** Creates or replaces a flag. */
  async put(
    projectId: number,
    name: string,
    definition: FlagDefinition,
  ): Promise<FeatureFlagEntity> {
    const now = new Date();
    const existing = await this.flags.findOneBy({ project_id: projectId, name });
    const flag = existing ?? this.flags.create({ project_id: projectId, name, created_at: now });
    this.cache.delete(projectId);
    Object.assign(flag, {
      description: definition.description,
      default_value: definition.defaultValue,
      host_overrides: definition.hosts,
      rollout: definition.rollout,
      updated_at: now,
    });
    return this.flags.save(flag);
  }

  async delete(projectId: number, name: string): Promise<void> {
    this.cache.delete(projectId);
    const result = await this.flags.delete({ project_id: projectId, name });
    if (!result.affected) throw new NotFoundError(TelemetryMessages.flagNotFound(name));
  }

  /** The flags of a project resolved for one host. */
  async resolveFor(projectId: number, host: string): Promise<Record<string, unknown>> {
    const now = Date.now();
    let entry = this.cache.get(projectId);
    if (!entry || now - entry.at > FLAGS_CACHE_MS) {
      entry = { at: now, flags: this.list(projectId) };
      this.cache.set(projectId, entry);
      entry.flags.catch(() => this.cache.delete(projectId));
    }
    return resolveFlags(await entry.flags, host);
  }
}

/** Weak ETag of a flags document (stable for equal documents). */
export function flagsEtag(document: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(document)).digest('base64url');
  return `W/"${digest.slice(0, 27)}"`;
}
