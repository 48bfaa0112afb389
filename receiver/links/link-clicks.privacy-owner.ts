import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { hashIp } from '../common/request/client-ip';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import type {
  ErasureContext,
  ExportedRows,
  PersonalDataOwner,
  PersonalDataSubject,
  RowCounts,
} from '../privacy/interfaces/personal-data-owner.interface';
import { PersonalDataRegistry } from '../privacy/personal-data.registry';
import { LinkClickEntity } from '../storage/entities/link-click.entity';
import { RollupMaintenance } from '../rollups/rollup-maintenance.service';
import { TrackedLinkEntity } from '../storage/entities/tracked-link.entity';

/**
 * Link clicks of a visitor. A click stores no visitor id, only the salted hash of the IP it came
 * from, so clicks are part of a request only when it names the person's IP address — and then
 * they are everyone's clicks from that address (a shared office or carrier address included).
 * Deleting them corrects the links' totals, in the analytics rollups too.
 */
@Injectable()
export class LinkClicksPrivacyOwner implements PersonalDataOwner, OnModuleInit {
  constructor(
    private readonly registry: PersonalDataRegistry,
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    @Optional() private readonly rollups?: RollupMaintenance,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async export(subject: PersonalDataSubject, manager: EntityManager): Promise<ExportedRows> {
    const where = this.where(subject);
    if (!where) return {};
    const clicks = await manager.find(LinkClickEntity, { where, order: { id: 'ASC' } });
    const linkIds = [...new Set(clicks.map((click) => click.link_id))];
    const links = linkIds.length
      ? await manager.find(TrackedLinkEntity, {
          select: { id: true, code: true, destination_url: true, label: true },
          where: { id: In(linkIds) },
          order: { id: 'ASC' },
        })
      : [];
    return {
      link_clicks: clicks.map((row) => ({ ...row })),
      tracked_links: links.map((row) => ({ ...row })),
    };
  }

  async erase(subject: PersonalDataSubject, { manager }: ErasureContext): Promise<RowCounts> {
    const where = this.where(subject);
    if (!where) return {};
    const link_clicks = await manager.count(LinkClickEntity, { where });
    if (link_clicks === 0) return { link_clicks };
    // The address's clicks leave the analytics rollups (read while the clicks exist).
    await this.rollups?.forgetClicks(manager, where.project_id, where.ip_hash);
    await manager.delete(LinkClickEntity, where);
    return { link_clicks };
  }

  private where(subject: PersonalDataSubject) {
    if (subject.type !== 'visitor' || !subject.ip) return undefined;
    return { project_id: subject.projectId, ip_hash: hashIp(subject.ip, this.options.ipHashSalt) };
  }
}
