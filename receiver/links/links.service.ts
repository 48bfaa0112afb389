import { RollupMaintenance } from '../rollups/rollup-maintenance.service';
import { Inject, Injectable } from '@nestjs/common';
import { int } from '../storage/sql/sql-values';
import { localTimestamp } from '../common/time/receiver-time';
import { AnalyticsCache } from '../cache/analytics-cache.service';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import { TrackedLinkEntity } from '../storage/entities/tracked-link.entity';
import { allocateLinkCode } from './link-code.generator';
import { LinksMessages } from './links.messages';
import { LinksRepository, type LinkRow } from './links.repository';
import { shortUrl } from './short-url';
import { NotFoundError, ReceiverError } from '../common/errors/receiver.errors';

/** A link as the links API shows it. */
export interface LinkView {
  id: number;
  code: string;
  short_url: string;
  destination_url: string;
  label: string;
  is_active: boolean;
  total_clicks: number;
  created_at: string;
}

/** Changes accepted by {@link LinksService.update}. */
export type LinkChanges = Partial<
  Pick<TrackedLinkEntity, 'destination_url' | 'label' | 'is_active'>
>;

/** Attempts when two creations race for the same code (the unique index rejects the second). */
const INSERT_ATTEMPTS = 3;

/** Tracked links of a project (contract 2.3): codes unique case-insensitively, all lookups scoped. */
@Injectable()
export class LinksService {
  constructor(
    private readonly repository: LinksRepository,
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    private readonly cache: AnalyticsCache,
    private readonly rollups: RollupMaintenance,
  ) {}

  async create(projectId: number, destination: string, label: string): Promise<TrackedLinkEntity> {
    for (let attempt = 0; attempt < INSERT_ATTEMPTS; attempt++) {
      const code = await allocateLinkCode((candidate) => this.codeTaken(candidate));
      if (!code) break;
      try {
        return await this.repository.insert({
          project_id: projectId,
          code,
          destination_url: destination,
          label,
          is_active: true,
          created_at: new Date(),
        });
      } catch (error) {
        // Another instance took the code between our check and insert: draw again.
        if (!(await this.codeTaken(code))) throw error;
      }
    }
    throw new ReceiverError('failed', LinksMessages.createFailed);
  }

  /** Every link of the project, newest first, with all-time click counts. */
  async list(projectId: number): Promise<LinkView[]> {
    const rows = await this.repository.listWithClicks(projectId);
    return rows.map((row) => this.view(row));
  }

  /** The project's link with `code` and its all-time clicks, or a 404. */
  async show(projectId: number, code: string): Promise<LinkView> {
    const row = await this.repository.showWithClicks(projectId, code);
    if (!row) throw new NotFoundError(LinksMessages.notFound);
    return this.view(row);
  }

  /** The project's link with `code` (case-insensitive), or a 404. */
  async get(projectId: number, code: string): Promise<TrackedLinkEntity> {
    const link = await this.findByCode(code);
    if (!link || link.project_id !== projectId) {
      throw new NotFoundError(LinksMessages.notFound);
    }
    return link;
  }

  /** Any project's link with `code` (the redirect is not scoped). */
  findByCode(code: string): Promise<TrackedLinkEntity | undefined> {
    return this.repository.findByCode(code);
  }

  async update(link: TrackedLinkEntity, changes: LinkChanges): Promise<TrackedLinkEntity> {
    await this.repository.update(link.id, changes);
    await this.cache.invalidateLinkDetail(link.project_id, link.code);
    return { ...link, ...changes };
  }

  /** Removes the link, every click of it and its analytics rollups. */
  async delete(link: TrackedLinkEntity): Promise<void> {
    await this.repository.delete(link.id, (manager) =>
      this.rollups.forgetLink(manager, link.project_id, link.id),
    );
    await this.cache.invalidateLinkDetail(link.project_id, link.code);
  }

  shortUrl(code: string): string {
    return shortUrl(this.options, code);
  }

  timestamp(value: unknown): string {
    return localTimestamp(value, this.options.timezone);
  }

  private async codeTaken(code: string): Promise<boolean> {
    return (await this.findByCode(code)) !== undefined;
  }

  private view(row: LinkRow): LinkView {
    const code = String(row.code);
    return {
      id: int(row.id),
      code,
      short_url: this.shortUrl(code),
      destination_url: String(row.destination_url),
      label: String(row.label),
      // SQLite and MySQL return booleans as 0/1, PostgreSQL as true/false.
      is_active: row.is_active === true || Number(row.is_active) === 1,
      total_clicks: int(row.total_clicks),
      created_at: this.timestamp(row.created_at),
    };
  }
}
