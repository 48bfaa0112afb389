import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import {
  countRowsByProject,
  deleteProjectRows,
  ProjectDataRegistry,
  type ProjectDataOwner,
  type ProjectRowCounts,
} from '../projects/project-data.registry';
import { LinkClickEntity } from '../storage/entities/link-click.entity';
import { TrackedLinkEntity } from '../storage/entities/tracked-link.entity';
import { InjectReceiverDataSource } from '../storage/inject-receiver-data-source.decorator';
import { SqlRunner } from '../storage/sql/sql-runner';
import { int } from '../storage/sql/sql-values';

/** A stored link as its columns come back from the driver (timestamps not yet hydrated). */
export type LinkRow = Record<string, unknown>;

/**
 * The links domain's SQL: `tracked_links` and `link_clicks` are read and written here only.
 * Codes match case-insensitively through the index the schema has for it, on every engine.
 */
@Injectable()
export class LinksRepository implements ProjectDataOwner, OnModuleInit {
  readonly domain = 'links';
  /** Clicks before the links they belong to. */
  readonly tables = ['link_clicks', 'tracked_links'] as const;
  private readonly sql: SqlRunner;

  constructor(
    @InjectReceiverDataSource() private readonly dataSource: DataSource,
    private readonly projectData: ProjectDataRegistry,
  ) {
    this.sql = new SqlRunner(dataSource);
  }

  onModuleInit(): void {
    this.projectData.register(this);
  }

  async countByProject(): Promise<ProjectRowCounts> {
    return { total_links: await countRowsByProject(this.dataSource.manager, 'tracked_links') };
  }

  deleteProjectData(manager: EntityManager, projectId: number): Promise<void> {
    return deleteProjectRows(manager, this.tables, projectId);
  }

  /** Stores a new link (the unique index rejects a code another writer took meanwhile). */
  insert(link: Omit<TrackedLinkEntity, 'id'>): Promise<TrackedLinkEntity> {
    const links = this.dataSource.getRepository(TrackedLinkEntity);
    return links.save(links.create(link));
  }

  /** Every link of the project, newest first, with all-time click counts. */
  listWithClicks(projectId: number): Promise<LinkRow[]> {
    return this.sql.rows(
      (p) => `${SELECT_WITH_CLICKS}
      WHERE l.project_id = ${p.add(projectId)}
      GROUP BY l.id, l.code, l.destination_url, l.label, l.is_active, l.created_at
      ORDER BY l.created_at DESC, l.id DESC`,
    );
  }

  /** The project's link with `code` and its all-time clicks. */
  async showWithClicks(projectId: number, code: string): Promise<LinkRow | undefined> {
    const rows = await this.sql.rows(
      (p) => `${SELECT_WITH_CLICKS}
      WHERE ${this.sql.dialect.codeEquals('l', p.add(code))} AND l.project_id = ${p.add(projectId)}
      GROUP BY l.id, l.code, l.destination_url, l.label, l.is_active, l.created_at`,
    );
    return rows[0];
  }

  /** The project's link with `code`: id, code, label, destination and creation time. */
  async findRow(projectId: number, code: string): Promise<LinkRow | undefined> {
    const rows = await this.sql.rows(
      (p) => `SELECT l.id, l.project_id, l.code, l.label, l.destination_url, l.created_at
      FROM tracked_links l
      WHERE ${this.sql.dialect.codeEquals('l', p.add(code))} AND l.project_id = ${p.add(projectId)}`,
    );
    return rows[0];
  }

  /** Any project's link with `code`: what the redirect needs. */
  async findRedirect(code: string): Promise<LinkRow | undefined> {
    const rows = await this.sql.rows(
      (p) => `SELECT l.id, l.project_id, l.code, l.destination_url,
        l.is_active FROM tracked_links l WHERE ${this.sql.dialect.codeEquals('l', p.add(code))}`,
    );
    return rows[0];
  }

  /** Any project's link with `code`, as an entity. */
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

  async update(
    id: number,
    changes: Partial<Pick<TrackedLinkEntity, 'destination_url' | 'label' | 'is_active'>>,
  ): Promise<void> {
    await this.dataSource.getRepository(TrackedLinkEntity).update({ id }, changes);
  }

  /**
   * Removes the link and every click of it; `alsoIn` runs in the same transaction (what other
   * domains keep about the link goes with it).
   */
  async delete(id: number, alsoIn?: (manager: EntityManager) => Promise<void>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // The link row first: a click batch reads it with a shared lock before writing anything
      // (ClickIngestHandler), so one waits for the other and no click outlives its link.
      await manager.delete(TrackedLinkEntity, { id });
      await alsoIn?.(manager);
      await manager.delete(LinkClickEntity, { link_id: id });
    });
  }
}

const SELECT_WITH_CLICKS = `SELECT l.id, l.code, l.destination_url, l.label, l.is_active, l.created_at,
        COUNT(c.id) AS total_clicks
      FROM tracked_links l LEFT JOIN link_clicks c ON c.link_id = l.id`;
