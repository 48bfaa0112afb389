import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import {
  deleteProjectRows,
  ProjectDataRegistry,
  type ProjectDataOwner,
} from '../../projects/project-data.registry';
import { AlertRuleEntity } from '../../storage/entities/alert-rule.entity';
import { InjectReceiverDataSource } from '../../storage/inject-receiver-data-source.decorator';

/**
 * The alerts domain's rows of a project: its rules and everything hanging off them. Registered
 * with the projects' data registry, so deleting a project deletes its alerts too.
 */
@Injectable()
export class AlertRulesRepository implements ProjectDataOwner, OnModuleInit {
  readonly domain = 'alerts';
  /** Children before the rules they belong to. */
  readonly tables = ['alert_evaluations', 'alert_firings', 'alert_deliveries', 'alert_rules'];
  readonly rules: Repository<AlertRuleEntity>;

  constructor(
    @InjectReceiverDataSource() dataSource: DataSource,
    private readonly projectData: ProjectDataRegistry,
  ) {
    this.rules = dataSource.getRepository(AlertRuleEntity);
  }

  onModuleInit(): void {
    this.projectData.register(this);
  }

  deleteProjectData(manager: EntityManager, projectId: number): Promise<void> {
    return deleteProjectRows(manager, this.tables, projectId);
  }

  /** The active rules of the given kinds for the given projects (all projects when omitted). */
  active(kinds: readonly string[], projectIds?: readonly number[]): Promise<AlertRuleEntity[]> {
    const query = this.rules
      .createQueryBuilder('r')
      .where('r.is_active = :active', { active: true })
      .andWhere('r.kind IN (:...kinds)', { kinds });
    if (projectIds) query.andWhere('r.project_id IN (:...ids)', { ids: projectIds });
    return query.orderBy('r.id', 'ASC').getMany();
  }
}
