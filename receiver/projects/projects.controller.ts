import { HttpCode, Post, Get } from '@nestjs/common';
import { ReceiverAuth } from '../common/auth/decorators/receiver-auth.decorator';
import { ReceiverController } from '../common/decorators/receiver-controller.decorator';
import { ok, type Envelope } from '../common/envelope/envelope';
import { Body, type JsonBody } from '../common/input/json-body.decorator';
import { intField, isEmpty, isTruthy, stringField } from '../common/input/php-input';
import { RateLimit } from '../common/rate-limit/decorators/rate-limit.decorator';
import { ApiEndpoint, ApiGroup } from '../openapi/api-docs.decorators';
import {
  assertDomainsArray,
  assertNameLength,
  cleanDomains,
  parseNewProject,
} from './project-input';
import { retentionOf, retentionSettings } from './project-retention-input';
import { privacySettings } from './project-privacy-input';
import { telemetrySettings } from './project-telemetry-input';
import { ProjectsDocs } from './projects.docs';
import { ProjectsMessages } from './projects.messages';
import { ProjectsService } from './projects.service';
import { InvalidInputError } from '../common/errors/receiver.errors';

const bad = (message: string) => new InvalidInputError(message);

/** Projects API (contract 2.1), at the `.php` paths and the same paths without `.php`. */
@ApiGroup('projects')
@ReceiverController('projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Post(['create.php', 'create'])
  @HttpCode(200)
  @RateLimit('_project_create', 5)
  @ReceiverAuth('admin')
  @ApiEndpoint(ProjectsDocs.create)
  async create(@Body() body: JsonBody): Promise<Envelope> {
    const input = parseNewProject(body);
    const project = await this.projects.create(input);
    return ok(ProjectsMessages.created, {
      id: project.id,
      name: project.name,
      allowed_domains: input.domains,
      secret_key: project.secret_key,
      public_key: project.public_key,
      token_policy: project.token_policy,
      cookieless: project.cookieless,
    });
  }

  @Get(['list.php', 'list'])
  @RateLimit('_project_list', 30)
  @ReceiverAuth('admin')
  @ApiEndpoint(ProjectsDocs.list)
  async list(): Promise<Envelope> {
    const projects = await this.projects.list();
    return ok(ProjectsMessages.listed, {
      count: projects.length,
      projects: projects.map((project) => ({
        id: project.id,
        name: project.name,
        public_key: project.public_key,
        allowed_domains: this.projects.domainsOf(project),
        is_active: project.is_active,
        token_policy: project.token_policy,
        signed_telemetry: project.signing_secret !== null,
        encrypted_telemetry: project.encryption_key !== null,
        retention: retentionOf(project),
        cookieless: project.cookieless,
        stats: project.stats,
        created_at: this.projects.timestamp(project.created_at),
        updated_at: this.projects.timestamp(project.updated_at),
      })),
    });
  }

  @Post(['edit.php', 'edit'])
  @HttpCode(200)
  @RateLimit('_project_edit', 10)
  @ReceiverAuth('admin')
  @ApiEndpoint(ProjectsDocs.edit)
  async edit(@Body() body: JsonBody): Promise<Envelope> {
    const id = intField(body, 'id');
    if (id <= 0) throw bad(ProjectsMessages.idRequired);
    const project = await this.projects.get(id);
    const hasName = body.name !== undefined && body.name !== null;
    const hasDomains = body.allowed_domains !== undefined && body.allowed_domains !== null;
    const settings = {
      ...telemetrySettings(body),
      ...privacySettings(body),
      ...retentionSettings(body),
    };
    if (!hasName && !hasDomains && Object.keys(settings).length === 0) {
      throw bad(ProjectsMessages.nothingToUpdate);
    }
    const changes: Record<string, unknown> = { ...settings };
    if (hasName) {
      const name = stringField(body, 'name') ?? '';
      if (isEmpty(name)) throw bad(ProjectsMessages.nameEmpty);
      assertNameLength(name);
      changes.name = name;
    }
    if (hasDomains) {
      assertDomainsArray(body.allowed_domains);
      changes.allowed_domains = cleanDomains(body.allowed_domains).join(',');
    }
    const updated = await this.projects.update(project, changes);
    return ok(ProjectsMessages.updated, {
      id: updated.id,
      name: updated.name,
      allowed_domains: this.projects.domainsOf(updated),
      is_active: updated.is_active,
      token_policy: updated.token_policy,
      retention: retentionOf(updated),
      cookieless: updated.cookieless,
      updated_at: this.projects.timestamp(updated.updated_at),
    });
  }

  @Post(['toggle.php', 'toggle'])
  @HttpCode(200)
  @RateLimit('_project_toggle', 10)
  @ReceiverAuth('admin')
  @ApiEndpoint(ProjectsDocs.toggle)
  async toggle(@Body() body: JsonBody): Promise<Envelope> {
    const id = intField(body, 'id');
    if (id <= 0) throw bad(ProjectsMessages.idRequired);
    const wanted = body.is_active;
    if (wanted !== undefined && wanted !== null && typeof wanted !== 'boolean') {
      throw bad(ProjectsMessages.isActiveBoolean);
    }
    const project = await this.projects.get(id);
    const active = typeof wanted === 'boolean' ? wanted : !project.is_active;
    await this.projects.setActive(project, active);
    return ok(ProjectsMessages.toggled(project.name, active), {
      id: project.id,
      name: project.name,
      is_active: active,
    });
  }

  @Post(['regenerate-keys.php', 'regenerate-keys'])
  @HttpCode(200)
  @RateLimit('_project_regen_keys', 5)
  @ReceiverAuth('admin')
  @ApiEndpoint(ProjectsDocs.regenerateKeys)
  async regenerateKeys(@Body() body: JsonBody): Promise<Envelope> {
    const id = intField(body, 'id');
    if (id <= 0) throw bad(ProjectsMessages.idRequired);
    const secret = body.rotate_secret === undefined ? true : isTruthy(body.rotate_secret);
    const pub = body.rotate_public === undefined ? true : isTruthy(body.rotate_public);
    if (!secret && !pub) throw bad(ProjectsMessages.nothingToRotate);
    const project = await this.projects.rotate(await this.projects.get(id), secret, pub);
    const rotated = [secret && 'secret_key', pub && 'public_key'].filter(Boolean).join(', ');
    return ok(ProjectsMessages.rotated(rotated), {
      id: project.id,
      name: project.name,
      ...(secret ? { secret_key: project.secret_key } : {}),
      ...(pub ? { public_key: project.public_key } : {}),
    });
  }

  @Post(['delete.php', 'delete'])
  @HttpCode(200)
  @RateLimit('_project_delete', 5)
  @ReceiverAuth('admin')
  @ApiEndpoint(ProjectsDocs.delete)
  async delete(@Body() body: JsonBody): Promise<Envelope> {
    const id = intField(body, 'id');
    if (id <= 0) throw bad(ProjectsMessages.idRequired);
    const project = await this.projects.get(id);
    if ((stringField(body, 'confirm') ?? '') !== project.name) {
      throw bad(ProjectsMessages.confirmFailed(project.name));
    }
    await this.projects.delete(project);
    return ok(ProjectsMessages.deleted(project.name), { id: project.id, name: project.name });
  }

  @Post(['verify.php', 'verify'])
  @HttpCode(200)
  @RateLimit('_project_verify', 20)
  @ReceiverAuth('none')
  @ApiEndpoint(ProjectsDocs.verify)
  async verify(@Body() body: JsonBody): Promise<Envelope> {
    const key = stringField(body, 'key');
    if (isEmpty(key)) throw bad(ProjectsMessages.keyRequired);
    const match = await this.projects.verify(key as string);
    if (!match) return ok(ProjectsMessages.verified, { valid: false });
    return ok(ProjectsMessages.verified, {
      valid: true,
      key_type: match.type,
      project_name: match.project.name,
      allowed_domains: this.projects.domainsOf(match.project),
    });
  }
}
