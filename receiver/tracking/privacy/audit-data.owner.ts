import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  ErasureContext,
  ExportedRows,
  PersonalDataOwner,
  PersonalDataSubject,
  RowCounts,
} from '../../privacy/interfaces/personal-data-owner.interface';
import { PersonalDataRegistry } from '../../privacy/personal-data.registry';
import { AuditLogEntity } from '../../storage/entities';

/** The audit events of one actor of a project (no counter depends on them). */
@Injectable()
export class AuditDataOwner implements PersonalDataOwner, OnModuleInit {
  constructor(private readonly registry: PersonalDataRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async export(subject: PersonalDataSubject, manager: EntityManager): Promise<ExportedRows> {
    if (subject.type !== 'actor') return {};
    const rows = await manager.find(AuditLogEntity, {
      where: { project_id: subject.projectId, actor: subject.actor },
      order: { id: 'ASC' },
    });
    return { audit_logs: rows.map((row) => ({ ...row })) };
  }

  async erase(subject: PersonalDataSubject, { manager }: ErasureContext): Promise<RowCounts> {
    if (subject.type !== 'actor') return {};
    const where = { project_id: subject.projectId, actor: subject.actor };
    const audit_logs = await manager.count(AuditLogEntity, { where });
    if (audit_logs > 0) await manager.delete(AuditLogEntity, where);
    return { audit_logs };
  }
}
