import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import {
  deleteProjectRows,
  type ProjectDataOwner,
  ProjectDataRegistry,
} from '../projects/project-data.registry';
import { PrivacyRequestEntity } from '../storage/entities/privacy-request.entity';
import { InjectReceiverDataSource } from '../storage/inject-receiver-data-source.decorator';

/** A request log entry before it is stored. */
export type NewPrivacyRequest = Omit<PrivacyRequestEntity, 'id'>;

/**
 * The privacy domain's table: the log of answered access and erasure requests. A project's
 * entries go with the project, like every other row of it.
 */
@Injectable()
export class PrivacyRequestsRepository implements ProjectDataOwner, OnModuleInit {
  readonly domain = 'privacy';
  readonly tables = ['privacy_requests'] as const;

  constructor(
    @InjectReceiverDataSource() private readonly dataSource: DataSource,
    private readonly projectData: ProjectDataRegistry,
  ) {}

  onModuleInit(): void {
    this.projectData.register(this);
  }

  deleteProjectData(manager: EntityManager, projectId: number): Promise<void> {
    return deleteProjectRows(manager, this.tables, projectId);
  }

  /** Stores one entry, on `manager` when it belongs to an erasure's transaction. */
  record(
    entry: NewPrivacyRequest,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PrivacyRequestEntity> {
    return manager.save(PrivacyRequestEntity, manager.create(PrivacyRequestEntity, entry));
  }

  /** One page of entries, newest first, of one project or of all. */
  async page(
    projectId: number | undefined,
    page: number,
    limit: number,
  ): Promise<{ total: number; entries: PrivacyRequestEntity[] }> {
    const [entries, total] = await this.dataSource
      .getRepository(PrivacyRequestEntity)
      .findAndCount({
        where: projectId === undefined ? {} : { project_id: projectId },
        order: { id: 'DESC' },
        skip: (page - 1) * limit,
        take: limit,
      });
    return { total, entries };
  }
}
