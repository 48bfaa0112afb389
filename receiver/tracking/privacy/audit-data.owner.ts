import { Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  ErasureContext,
  ExportedRows,
  PersonalDataOwner,
  PersonalDataSubject,
  RowCounts,
} from '../../privacy/interfaces/personal-data-owner.interface';
import { PersonalDataRegistry } from '../../privacy/personal-data.registry';
import { truncateBytes } from '../../common/input/php-input';
import { AuditLogEntity } from '../../storage/entities';
import { LIMITS } from '../tracking.constants';
import { RollupMaintenance } from '../../rollups/rollup-maintenance.service';

/** The actor as the audit endpoint stores it: cut to the column's byte limit. */
const storedActor = (actor: string): string => truncateBytes(actor, LIMITS.actor);

/** The audit events of one actor of a project; erasing them lowers the rollups' action counts. */
@Injectable()
export class AuditDataOwner implements PersonalDataOwner, OnModuleInit {
  constructor(
    private readonly registry: PersonalDataRegistry,
    @Optional() private readonly rollups?: RollupMaintenance,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async export(subject: PersonalDataSubject, manager: EntityManager): Promise<ExportedRows> {
    if (subject.type !== 'actor') return {};
    const rows = await manager.find(AuditLogEntity, {
      where: { project_id: subject.projectId, actor: storedActor(subject.actor) },
      order: { id: 'ASC' },
    });
    return { audit_logs: rows.map((row) => ({ ...row })) };
  }

  async erase(subject: PersonalDataSubject, { manager }: ErasureContext): Promise<RowCounts> {
    if (subject.type !== 'actor') return {};
    const where = { project_id: subject.projectId, actor: storedActor(subject.actor) };
    const audit_logs = await manager.count(AuditLogEntity, { where });
    if (audit_logs === 0) return { audit_logs };
    // Their entries leave the per-day action counts (read while the entries exist).
    await this.rollups?.forgetAudits(manager, where.project_id, where.actor);
    await manager.delete(AuditLogEntity, where);
    return { audit_logs };
  }
}
