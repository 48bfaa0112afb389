import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../../common/errors/receiver.errors';
import { ProjectsService } from '../../projects/projects.service';
import type { AlertRuleEntity } from '../../storage/entities/alert-rule.entity';
import { AlertsMessages } from '../alerts.messages';
import type { AlertRuleChanges, NewAlertRule } from './alert-rule.input';
import { AlertRulesRepository } from './alert-rules.repository';

/** A new signing secret: `whsec_` and 24 random bytes in hex (54 characters). */
const newSecret = (): string => `whsec_${randomBytes(24).toString('hex')}`;

/** How a rule is shown by the API and the CLI. */
export function ruleView(rule: AlertRuleEntity): Record<string, unknown> {
  return {
    id: rule.id,
    project_id: rule.project_id,
    name: rule.name,
    kind: rule.kind,
    conditions: rule.conditions,
    channel: rule.channel,
    url: rule.url,
    secret: rule.secret,
    cooldown_seconds: rule.cooldown_seconds,
    is_active: rule.is_active,
    created_at: rule.created_at.toISOString(),
    updated_at: rule.updated_at.toISOString(),
  };
}

/** Alert rules of projects: the admin API's and the CLI's one way to change them. */
@Injectable()
export class AlertRulesService {
  constructor(
    private readonly repository: AlertRulesRepository,
    private readonly projects: ProjectsService,
  ) {}

  /** Creates a rule of an existing project (404 otherwise), with a fresh signing secret. */
  async create(input: NewAlertRule): Promise<AlertRuleEntity> {
    await this.projects.get(input.projectId);
    const now = new Date();
    const rules = this.repository.rules;
    return rules.save(
      rules.create({
        project_id: input.projectId,
        name: input.name,
        kind: input.kind,
        conditions: input.conditions,
        channel: input.channel,
        url: input.url,
        secret: newSecret(),
        cooldown_seconds: input.cooldownSeconds,
        is_active: input.isActive,
        created_at: now,
        updated_at: now,
      }),
    );
  }

  /** The project's rules, oldest first (404 for an unknown project). */
  async list(projectId: number): Promise<AlertRuleEntity[]> {
    await this.projects.get(projectId);
    return this.repository.rules.find({ where: { project_id: projectId }, order: { id: 'ASC' } });
  }

  /** A rule, or 404. */
  async get(id: number): Promise<AlertRuleEntity> {
    const rule = await this.repository.rules.findOneBy({ id });
    if (!rule) throw new NotFoundError(AlertsMessages.notFound);
    return rule;
  }

  async update(id: number, changes: AlertRuleChanges): Promise<AlertRuleEntity> {
    const rule = await this.get(id);
    const { cooldownSeconds, isActive, ...rest } = changes;
    Object.assign(rule, rest, {
      ...(cooldownSeconds !== undefined ? { cooldown_seconds: cooldownSeconds } : {}),
      ...(isActive !== undefined ? { is_active: isActive } : {}),
      updated_at: new Date(),
    });
    return this.repository.rules.save(rule);
  }

  /** Deletes the rule with its firings, deliveries and claims (one transaction). */
  async delete(id: number): Promise<AlertRuleEntity> {
    const rule = await this.get(id);
    await this.repository.rules.manager.transaction(async (manager) => {
      for (const table of this.repository.tables) {
        const column = table === 'alert_rules' ? 'id' : 'rule_id';
        await manager
          .createQueryBuilder()
          .delete()
          .from(table)
          .where(`${column} = :id`, { id })
          .execute();
      }
    });
    return rule;
  }
}
