import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import {
  countRowsByProject,
  deleteProjectRows,
  ProjectDataRegistry,
  type ProjectDataOwner,
  type ProjectRowCounts,
} from '../projects/project-data.registry';
import { InjectReceiverDataSource } from '../storage/inject-receiver-data-source.decorator';

/**
 * The tracking domain's tables as a whole: what a project's pageviews, errors and audits leave
 * behind, counted for the projects list and deleted with the project.
 */
@Injectable()
export class TrackingRepository implements ProjectDataOwner, OnModuleInit {
  readonly domain = 'tracking';
  /** Children first (pageviews have no foreign key; error events belong to their group). */
  readonly tables = [
    'pageviews',
    'sessions',
    'visitors',
    'devices',
    'locations',
    'error_events',
    'error_groups',
    'audit_logs',
  ] as const;

  constructor(
    @InjectReceiverDataSource() private readonly dataSource: DataSource,
    private readonly projectData: ProjectDataRegistry,
  ) {}

  onModuleInit(): void {
    this.projectData.register(this);
  }

  /** Pageviews, and error groups (what the list calls errors), per project. */
  async countByProject(): Promise<ProjectRowCounts> {
    const [pageviews, errors] = await Promise.all([
      countRowsByProject(this.dataSource.manager, 'pageviews'),
      countRowsByProject(this.dataSource.manager, 'error_groups'),
    ]);
    return { total_pageviews: pageviews, total_errors: errors };
  }

  deleteProjectData(manager: EntityManager, projectId: number): Promise<void> {
    return deleteProjectRows(manager, this.tables, projectId);
  }
}
