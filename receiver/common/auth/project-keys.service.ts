import { Injectable } from '@nestjs/common';
import type { DataSource, Repository } from 'typeorm';
import { ProjectEntity } from '../../storage/entities/project.entity';
import { InjectReceiverDataSource } from '../../storage/inject-receiver-data-source.decorator';
import { secretsEqual } from './constant-time';

/** Looks projects up by key. Only active projects match, as the contract requires. */
@Injectable()
export class ProjectKeysService {
  private readonly projects: Repository<ProjectEntity>;

  constructor(@InjectReceiverDataSource() dataSource: DataSource) {
    this.projects = dataSource.getRepository(ProjectEntity);
  }

  /** The active project owning this secret key. */
  findBySecretKey(key: string): Promise<ProjectEntity | null> {
    return this.find('secret_key', key);
  }

  /** The active project owning this public key. */
  findByPublicKey(key: string): Promise<ProjectEntity | null> {
    return this.find('public_key', key);
  }

  private async find(
    column: 'secret_key' | 'public_key',
    key: string,
  ): Promise<ProjectEntity | null> {
    if (!key) return null;
    const project = await this.projects.findOne({ where: { [column]: key, is_active: true } });
    // The indexed lookup finds the candidate; the final word is a constant-time comparison.
    return project && secretsEqual(key, project[column]) ? project : null;
  }
}
