import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, Repository } from 'typeorm';
import { formatDateTime } from '../common/time/receiver-time';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import { ProjectEntity } from '../storage/entities/project.entity';
import { InjectReceiverDataSource } from '../storage/inject-receiver-data-source.decorator';
import { type NewProject, splitDomains } from './project-input';
import { ProjectEvents } from './project.events';
import { ProjectsMessages } from './projects.messages';
import { NotFoundError } from '../common/errors/receiver.errors';

/** Tables holding a project's data, children first (pageviews have no foreign key). */
const PROJECT_TABLES = [
  'link_clicks',
  'tracked_links',
  'pageviews',
  'sessions',
  'visitors',
  'devices',
  'locations',
  'error_events',
  'error_groups',
  'audit_logs',
  'telemetry_signatures',
  'telemetry_tokens',
  'telemetry_latest',
  'telemetry_samples',
  'telemetry_hosts',
  'feature_flags',
];

/** New key pair: secret = 32 random bytes, public = 16, both lower-case hex. */
export function generateKeys(): { secret_key: string; public_key: string } {
  return {
    secret_key: randomBytes(32).toString('hex'),
    public_key: randomBytes(16).toString('hex'),
  };
}

/** A new, active project row with fresh keys. */
function newProjectRecord(name: string, domains: string[]): Partial<ProjectEntity> {
  const now = new Date();
  return {
    name,
    allowed_domains: domains.join(','),
    is_active: true,
    signing_secret: null,
    encryption_key: null,
    token_policy: 'auto',
    cookieless: false,
    created_at: now,
    updated_at: now,
    ...generateKeys(),
  };
}

/** Storage side of the projects API. */
@Injectable()
export class ProjectsService {
  readonly repository: Repository<ProjectEntity>;

  /** @internal Nest creates this service; its dependencies are the package's own. */
  constructor(
    @InjectReceiverDataSource() private readonly dataSource: DataSource,
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    private readonly events: ProjectEvents,
  ) {
    this.repository = dataSource.getRepository(ProjectEntity);
  }

  /** @internal `YYYY-MM-DD HH:MM:SS` in the configured time zone. */
  timestamp(date: Date): string {
    return formatDateTime(date, this.options.timezone);
  }

  /** Creates an active project with fresh keys (the API's create and the CLI's create-project). */
  async create({ name, domains, settings }: NewProject): Promise<ProjectEntity> {
    return this.repository.save(
      this.repository.create({ ...newProjectRecord(name, domains), ...settings }),
    );
  }

  /** A project in any state, or 404. */
  async get(id: number): Promise<ProjectEntity> {
    const project = id > 0 ? await this.repository.findOneBy({ id }) : null;
    if (!project) throw new NotFoundError(ProjectsMessages.notFound);
    return project;
  }

  async list(): Promise<Array<ProjectEntity & { stats: Record<string, number> }>> {
    const projects = await this.repository.find({ order: { created_at: 'DESC', id: 'DESC' } });
    const [links, pageviews, errors] = await Promise.all([
      this.countByProject('tracked_links'),
      this.countByProject('pageviews'),
      this.countByProject('error_groups'),
    ]);
    return projects.map((project) =>
      Object.assign(project, {
        stats: {
          total_links: links.get(project.id) ?? 0,
          total_pageviews: pageviews.get(project.id) ?? 0,
          total_errors: errors.get(project.id) ?? 0,
        },
      }),
    );
  }

  async update(project: ProjectEntity, changes: Partial<ProjectEntity>): Promise<ProjectEntity> {
    Object.assign(project, changes, { updated_at: new Date() });
    await this.repository.save(project);
    await this.events.emit({ type: 'updated', projectId: project.id });
    return project;
  }

  async setActive(project: ProjectEntity, active: boolean): Promise<ProjectEntity> {
    project.is_active = active;
    project.updated_at = new Date();
    await this.repository.save(project);
    await this.events.emit({ type: 'toggled', projectId: project.id });
    return project;
  }

  async rotate(project: ProjectEntity, secret: boolean, pub: boolean): Promise<ProjectEntity> {
    const keys = generateKeys();
    if (secret) project.secret_key = keys.secret_key;
    if (pub) project.public_key = keys.public_key;
    project.updated_at = new Date();
    await this.repository.save(project);
    await this.events.emit({ type: 'keys-rotated', projectId: project.id });
    return project;
  }

  /** Deletes every row of the project explicitly, in one transaction, then the project. */
  async delete(project: ProjectEntity): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const table of PROJECT_TABLES) {
        await manager
          .createQueryBuilder()
          .delete()
          .from(table)
          .where('project_id = :id', { id: project.id })
          .execute();
      }
      await manager.delete(ProjectEntity, { id: project.id });
    });
    await this.events.emit({ type: 'deleted', projectId: project.id });
  }

  /** @internal Active project whose secret or public key equals `key` (the auth guard's look-up). */
  async verify(key: string): Promise<{ project: ProjectEntity; type: 'secret' | 'public' } | null> {
    const bySecret = await this.repository.findOneBy({ secret_key: key, is_active: true });
    if (bySecret) return { project: bySecret, type: 'secret' };
    const byPublic = await this.repository.findOneBy({ public_key: key, is_active: true });
    return byPublic ? { project: byPublic, type: 'public' } : null;
  }

  /** @internal The project's allowed domains as a list. */
  domainsOf(project: ProjectEntity): string[] {
    return splitDomains(project.allowed_domains);
  }

  private async countByProject(table: string): Promise<Map<number, number>> {
    const rows: Array<{ project_id: number | string; total: number | string }> =
      await this.dataSource
        .createQueryBuilder()
        .select('project_id', 'project_id')
        .addSelect('COUNT(*)', 'total')
        .from(table, 't')
        .groupBy('project_id')
        .getRawMany();
    return new Map(rows.map((row) => [Number(row.project_id), Number(row.total)]));
  }
}
