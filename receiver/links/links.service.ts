import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AnalyticsSql } from '../analytics/sql/analytics-sql.service';
import { int } from '../storage/sql/sql-values';
import { localTimestamp } from '../common/time/receiver-time';
import { AnalyticsCache } from '../cache/analytics-cache.service';
import { ReceiverHttpException } from '../common/envelope/receiver-http.exception';
import type { ResolvedReceiverOptions } from '../interfaces/receiver-options.interface';
import { RECEIVER_OPTIONS } from '../receiver.constants';
import { TrackedLinkEntity } from '../storage/entities/tracked-link.entity';
import { LinkClickEntity } from '../storage/entities/link-click.entity';
import { InjectReceiverDataSource } from '../storage/inject-receiver-data-source.decorator';
import { allocateLinkCode } from './link-code.generator';
import { LinksMessages } from './links.messages';
import { shortUrl } from './short-url';

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
    @InjectReceiverDataSource() private readonly dataSource: DataSource,
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    private readonly sql: AnalyticsSql,
    private readonly cache: AnalyticsCache,
  ) {}

  async create(projectId: number, destination: string, label: string): Promise<TrackedLinkEntity> {
    const links = this.dataSource.getRepository(TrackedLinkEntity);
    for (let attempt = 0; attempt < INSERT_ATTEMPTS; attempt++) {
      const code = await allocateLinkCode((candidate) => this.codeTaken(candidate));
      if (!code) break;
      const link = links.create({
        project_id: projectId,
        code,
        destination_url: destination,
        label,
        is_active: true,
        created_at: new Date(),
      });
      try {
        return await links.save(link);
      } catch (error) {
        // Another instance took the code between our check and insert: draw again.
        if (!(await this.codeTaken(code))) throw error;
      }
    }
    throw new ReceiverHttpException(500, LinksMessages.createFailed);
  }

  /** Every link of the project, newest first, with all-time click counts. */
  async list(projectId: number): Promise<LinkView[]> {
    const rows = await this.sql.rows(
      (p) => `${this.selectWithClicks()}
      WHERE l.project_id = ${p.add(projectId)}
      GROUP BY l.id, l.code, l.destination_url, l.label, l.is_active, l.created_at
      ORDER BY l.created_at DESC, l.id DESC`,
    );
    return rows.map((row) => this.view(row));
  }

  /** The project's link with `code` and its all-time clicks, or a 404. */
  async show(projectId: number, code: string): Promise<LinkView> {
    const rows = await this.sql.rows(
      (p) => `${this.selectWithClicks()}
      WHERE ${this.sql.dialect.codeEquals('l', p.add(code))} AND l.project_id = ${p.add(projectId)}
      GROUP BY l.id, l.code, l.destination_url, l.label, l.is_active, l.created_at`,
    );
    if (rows.length === 0) throw new ReceiverHttpException(404, LinksMessages.notFound);
    return this.view(rows[0]);
  }

  /** The project's link with `code` (case-insensitive), or a 404. */
  async get(projectId: number, code: string): Promise<TrackedLinkEntity> {
    const link = await this.findByCode(code);
    if (!link || link.project_id !== projectId) {
      throw new ReceiverHttpException(404, LinksMessages.notFound);
    }
    return link;
  }

  /** Any project's link with `code` (the redirect is not scoped). */
  async findByCode(code: string): Promise<TrackedLinkEntity | undefined> {
    const rows = await this.sql.rows<{ id: unknown }>(
      (p) =>
        `SELECT l.id FROM tracked_links l WHERE ${this.sql.dialect.codeEquals('l', p.add(code))}`,
    );
    if (rows.length === 0) return undefined;
    const link = await this.dataSource
      .getRepository(TrackedLinkEntity)
      .findOneBy({ id: int(rows[0].id) });
    return link ?? undefined;
  }

  async update(link: TrackedLinkEntity, changes: LinkChanges): Promise<TrackedLinkEntity> {
    await this.dataSource.getRepository(TrackedLinkEntity).update({ id: link.id }, changes);
    await this.cache.invalidateLinkDetail(link.project_id, link.code);
    return { ...link, ...changes };
  }

  /** Removes the link and every click of it. */
  async delete(link: TrackedLinkEntity): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.delete(LinkClickEntity, { link_id: link.id });
      await manager.delete(TrackedLinkEntity, { id: link.id });
    });
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

  private selectWithClicks(): string {
    return `SELECT l.id, l.code, l.destination_url, l.label, l.is_active, l.created_at,
        COUNT(c.id) AS total_clicks
      FROM tracked_links l LEFT JOIN link_clicks c ON c.link_id = l.id`;
  }

  private view(row: Record<string, unknown>): LinkView {
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
