import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ProjectsMessages } from './projects.messages';

/** Per-project totals the projects list shows under `stats` (contract 2.1). */
export type ProjectStat = 'total_links' | 'total_pageviews' | 'total_errors';

/** Rows per project id, for the stats a domain contributes. */
export type ProjectRowCounts = Partial<Record<ProjectStat, Map<number, number>>>;

/**
 * A domain that keeps rows of a project in its own tables (tracking, links, telemetry…). The
 * projects code counts and deletes those rows only through this interface, so it never knows
 * another domain's tables; each domain registers its owner with {@link ProjectDataRegistry}.
 */
export interface ProjectDataOwner {
  /** The domain's name, for messages (`tracking`, `links`, `telemetry`). */
  readonly domain: string;
  /** Every table of the domain with a `project_id` column (a test checks none is forgotten). */
  readonly tables: readonly string[];
  /** Totals per project for the projects list, when the domain has some to show. */
  countByProject?(): Promise<ProjectRowCounts>;
  /**
   * Deletes every row of the project in the domain's tables, inside the caller's transaction
   * (`manager`), children before parents: the project's deletion is all or nothing.
   */
  deleteProjectData(manager: EntityManager, projectId: number): Promise<void>;
}

/**
 * Where domains register their {@link ProjectDataOwner} (usually in `onModuleInit`). Provided by
 * the receiver's core beside `ProjectEvents`, so every domain can reach it and the projects code
 * imports none of them.
 */
@Injectable()
export class ProjectDataRegistry {
  private readonly registered = new Map<string, ProjectDataOwner>();

  register(owner: ProjectDataOwner): void {
    if (this.registered.has(owner.domain)) {
      throw new Error(ProjectsMessages.dataOwnerTwice(owner.domain));
    }
    this.registered.set(owner.domain, owner);
  }

  /** The owners in registration order. */
  owners(): ProjectDataOwner[] {
    return [...this.registered.values()];
  }
}

/** Deletes `projectId`'s rows from `tables`, in order: the plain case of `deleteProjectData`. */
export async function deleteProjectRows(
  manager: EntityManager,
  tables: readonly string[],
  projectId: number,
): Promise<void> {
  for (const table of tables) {
    await manager
      .createQueryBuilder()
      .delete()
      .from(table)
      .where('project_id = :id', { id: projectId })
      .execute();
  }
}

/** `COUNT(*)` of `table` grouped by project: the plain case of `countByProject`. */
export async function countRowsByProject(
  manager: EntityManager,
  table: string,
): Promise<Map<number, number>> {
  const rows: Array<{ project_id: number | string; total: number | string }> = await manager
    .createQueryBuilder()
    .select('project_id', 'project_id')
    .addSelect('COUNT(*)', 'total')
    .from(table, 't')
    .groupBy('project_id')
    .getRawMany();
  return new Map(rows.map((row) => [Number(row.project_id), Number(row.total)]));
}
