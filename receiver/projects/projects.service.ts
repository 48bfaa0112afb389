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
import { ProjectDataRegistry, type ProjectStat } from './project-data.registry';
import { ProjectsMessages } from './projects.messages';
import { NotFoundError } from '../common/errors/receiver.errors';
import { isRowId } from '../common/input/php-input';
import { ProjectKeysService } from './project-keys.service';

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
    private readonly data: ProjectDataRegistry,
    private readonly keys: ProjectKeysService,
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
    const project = isRowId(id) ? await this.repository.findOneBy({ id }) : null;
    if (!project) throw new NotFoundError(ProjectsMessages.notFound);
    return project;
  }

  /** Every project, newest first, with the totals the domains count for it. */
  async list(): Promise<Array<ProjectEntity & { stats: Record<string, number> }>> {
    const projects = await this.repository.find({ order: { created_at: 'DESC', id: 'DESC' } });
    const counts = Object.assign(
      {},
      ...(await Promise.all(this.data.owners().map((owner) => owner.countByProject?.() ?? {}))),
    );
    const stat = (name: ProjectStat, id: number): number => counts[name]?.get(id) ?? 0;
    return projects.map((project) =>
      Object.assign(project, {
        stats: {
          total_links: stat('total_links', project.id),
          total_pageviews: stat('total_pageviews', project.id),
          total_errors: stat('total_errors', project.id),
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

  /**
   * Deletes the project's rows in every domain (each deletes its own tables), then the project,
   * in one transaction: a failure leaves the project and all its data in place.
   */
  async delete(project: ProjectEntity): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const owner of this.data.owners()) {
        await owner.deleteProjectData(manager, project.id);
      }
      await manager.delete(ProjectEntity, { id: project.id });
    });
    await this.events.emit({ type: 'deleted', projectId: project.id });
  }

  /**
   * @internal Active project whose secret or public key is `key`: the auth guard's own look-up
   * ({@link ProjectKeysService}), so verify never calls valid a key every endpoint answers 401
   * (MariaDB's default collation finds `ABC…` for `abc…`; the look-up compares exactly).
   */
  async verify(key: string): Promise<{ project: ProjectEntity; type: 'secret' | 'public' } | null> {
    const bySecret = await this.keys.findBySecretKey(key);
    if (bySecret) return { project: bySecret, type: 'secret' };
    const byPublic = await this.keys.findByPublicKey(key);
    return byPublic ? { project: byPublic, type: 'public' } : null;
  }

  /** @internal The project's allowed domains as a list. */
  domainsOf(project: ProjectEntity): string[] {
    return splitDomains(project.allowed_domains);
  }
}
