import { Injectable, type OnModuleInit, Optional } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import type {
  ErasureContext,
  ExportedRows,
  PersonalDataOwner,
  PersonalDataSubject,
  RowCounts,
} from '../../privacy/interfaces/personal-data-owner.interface';
import { PersonalDataRegistry } from '../../privacy/personal-data.registry';
import {
  DeviceEntity,
  LocationEntity,
  PageviewEntity,
  SessionEntity,
  VisitorEntity,
} from '../../storage/entities';
import { RollupMaintenance } from '../../rollups/rollup-maintenance.service';
import { TrackingIdCache } from '../ingest/tracking-id.cache';
import { visitorHashOf } from '../validation/pageview.validator';

/**
 * A visitor's rows of the pageview path: the visitor, its sessions and its pageviews (with the
 * shared device and location rows they point to, exported but kept). Sessions hold no other
 * visitor's pageviews' counts, so deleting them needs no correction elsewhere.
 */
@Injectable()
export class VisitorDataOwner implements PersonalDataOwner, OnModuleInit {
  constructor(
    private readonly registry: PersonalDataRegistry,
    // Absent in a CLI process, which writes no pageviews and so caches no ids.
    @Optional() private readonly ids?: TrackingIdCache,
    @Optional() private readonly rollups?: RollupMaintenance,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  /** Erased visitors stop counting in the analytics rollups (read while the pageviews exist). */
  async subtract(subject: PersonalDataSubject, { manager }: ErasureContext): Promise<RowCounts> {
    if (!this.rollups || subject.type !== 'visitor') return {};
    const visitor = await this.visitor(subject, manager);
    if (!visitor) return {};
    const corrected = await this.rollups.forgetVisitor(manager, visitor.project_id, visitor.id);
    return corrected > 0 ? { analytics_rollups: corrected } : {};
  }

  async export(subject: PersonalDataSubject, manager: EntityManager): Promise<ExportedRows> {
    if (subject.type !== 'visitor') return {};
    const visitor = await this.visitor(subject, manager);
    if (!visitor) return { visitors: [], sessions: [], pageviews: [] };
    const where = { project_id: visitor.project_id, visitor_id: visitor.id };
    const sessions = await manager.find(SessionEntity, { where, order: { id: 'ASC' } });
    const pageviews = await manager.find(PageviewEntity, { where, order: { id: 'ASC' } });
    const deviceIds = distinct(pageviews.map((view) => view.device_id));
    const locationIds = distinct(pageviews.map((view) => view.location_id));
    return {
      visitors: [{ ...visitor }],
      sessions: sessions.map((row) => ({ ...row })),
      pageviews: pageviews.map((row) => ({ ...row })),
      devices: deviceIds.length
        ? (await manager.findBy(DeviceEntity, { id: In(deviceIds) })).map((row) => ({ ...row }))
        : [],
      locations: locationIds.length
        ? (await manager.findBy(LocationEntity, { id: In(locationIds) })).map((row) => ({
            ...row,
          }))
        : [],
    };
  }

  async erase(subject: PersonalDataSubject, context: ErasureContext): Promise<RowCounts> {
    if (subject.type !== 'visitor') return {};
    const { manager } = context;
    const visitor = await this.visitor(subject, manager);
    if (!visitor) return { pageviews: 0, sessions: 0, visitors: 0 };
    const where = { project_id: visitor.project_id, visitor_id: visitor.id };
    const sessions = await manager.find(SessionEntity, {
      select: { id: true, session_token: true },
      where,
    });
    // Pageviews have no foreign key: they go first, explicitly, on every engine.
    const pageviews = await manager.count(PageviewEntity, { where });
    await manager.delete(PageviewEntity, where);
    await manager.delete(SessionEntity, where);
    await manager.delete(VisitorEntity, { id: visitor.id });
    // A cached id would attach the person's next pageview to the deleted rows.
    context.afterCommit(() => {
      for (const session of sessions) {
        this.ids?.sessions.delete(`${visitor.project_id}|${session.session_token}`);
        this.ids?.engagedSessions.delete(session.id);
      }
    });
    return { pageviews, sessions: sessions.length, visitors: 1 };
  }

  private async visitor(subject: PersonalDataSubject, manager: EntityManager) {
    if (subject.type !== 'visitor') return null;
    return manager.findOneBy(VisitorEntity, {
      project_id: subject.projectId,
      visitor_hash: visitorHashOf(subject.visitorId),
    });
  }
}

const distinct = (ids: Array<number | null>): number[] => [
  ...new Set(ids.filter((id): id is number => id !== null)),
];
