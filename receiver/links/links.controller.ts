import { Get, HttpCode, Post, Req } from '@nestjs/common';
import { CurrentProject } from '../common/auth/decorators/receiver-auth.decorator';
import { ReceiverAuth } from '../common/auth/decorators/receiver-auth.decorator';
import { ReceiverController } from '../common/decorators/receiver-controller.decorator';
import { ok, type Envelope } from '../common/envelope/envelope';
import { Body, type JsonBody } from '../common/input/json-body.decorator';
import { phpTrim, stringField } from '../common/input/php-input';
import { queryParam } from '../common/request/receiver-request';
import { RateLimit } from '../common/rate-limit/decorators/rate-limit.decorator';
import { ApiEndpoint, ApiGroup } from '../openapi/api-docs.decorators';
import type { ProjectEntity } from '../storage/entities/project.entity';
import { assertDestination, assertLabel } from './link-input';
import { LinksMessages } from './links.messages';
import { LinksService, type LinkChanges } from './links.service';
import { InvalidInputError } from '../common/errors/receiver.errors';

const bad = (message: string) => new InvalidInputError(message);
const CODE_BODY = { code: { type: 'string', description: 'Link code', required: true } };

/** Links API (contract 2.3), secret key, at the `.php` paths and without `.php`. */
@ApiGroup('links')
@ReceiverController('links')
export class LinksController {
  constructor(private readonly links: LinksService) {}

  @Post(['create.php', 'create'])
  @HttpCode(200)
  @RateLimit('_links_create', 30)
  @ReceiverAuth('secret')
  @ApiEndpoint({
    summary: 'Create a short link (8-character code)',
    auth: 'secret',
    body: {
      destination_url: { type: 'string', description: 'Absolute http(s) URL', required: true },
      label: { type: 'string', description: 'Up to 255 bytes' },
    },
    errors: { 400: 'Invalid body, destination or label' },
  })
  async create(
    @CurrentProject() project: ProjectEntity,
    @Body() body: JsonBody,
  ): Promise<Envelope> {
    const destination = assertDestination(
      stringField(body, 'destination_url') ?? '',
      LinksMessages.destinationRequired,
    );
    const label = assertLabel(stringField(body, 'label') ?? '');
    const link = await this.links.create(project.id, destination, label);
    return ok(LinksMessages.created, {
      code: link.code,
      short_url: this.links.shortUrl(link.code),
      destination_url: link.destination_url,
      label: link.label,
    });
  }

  @Get(['list.php', 'list'])
  @RateLimit('_links_list', 60)
  @ReceiverAuth('secret')
  @ApiEndpoint({ summary: 'All links of the project, newest first', auth: 'secret' })
  async list(@CurrentProject() project: ProjectEntity): Promise<Envelope> {
    const links = await this.links.list(project.id);
    return ok(LinksMessages.listed, { count: links.length, links });
  }

  @Get(['detail.php', 'detail'])
  @RateLimit('_links_detail', 60)
  @ReceiverAuth('secret')
  @ApiEndpoint({
    summary: 'One link with its all-time clicks',
    auth: 'secret',
    query: [{ name: 'code', description: 'Link code', required: true }],
    errors: { 400: 'code missing', 404: 'Link not found' },
  })
  async detail(
    @CurrentProject() project: ProjectEntity,
    @Req() request: unknown,
  ): Promise<Envelope> {
    const code = phpTrim(queryParam(request, 'code') ?? '');
    if (!code) throw bad(LinksMessages.codeQueryRequired);
    return ok(LinksMessages.fetched, await this.links.show(project.id, code));
  }

  @Post(['edit.php', 'edit'])
  @HttpCode(200)
  @RateLimit('_links_edit', 30)
  @ReceiverAuth('secret')
  @ApiEndpoint({
    summary: 'Change destination, label or active state',
    auth: 'secret',
    body: {
      ...CODE_BODY,
      destination_url: { type: 'string', description: 'New absolute http(s) URL' },
      label: { type: 'string', description: 'New label ("" clears it)' },
      is_active: { type: 'boolean', description: 'Inactive links answer 404 on redirect' },
    },
    errors: { 400: 'Invalid body or field', 404: 'Link not found' },
  })
  async edit(@CurrentProject() project: ProjectEntity, @Body() body: JsonBody): Promise<Envelope> {
    const code = stringField(body, 'code') ?? '';
    if (!code) throw bad(LinksMessages.codeRequired);
    const link = await this.links.get(project.id, code);
    const given = (field: string) => body[field] !== undefined && body[field] !== null;
    if (!given('destination_url') && !given('label') && !given('is_active')) {
      throw bad(LinksMessages.nothingToUpdate);
    }
    const changes: LinkChanges = {};
    if (given('destination_url')) {
      changes.destination_url = assertDestination(
        stringField(body, 'destination_url') ?? '',
        LinksMessages.destinationEmpty,
      );
    }
    if (given('label')) changes.label = assertLabel(stringField(body, 'label') ?? '');
    if (given('is_active')) {
      if (typeof body.is_active !== 'boolean') throw bad(LinksMessages.isActiveBoolean);
      changes.is_active = body.is_active;
    }
    const updated = await this.links.update(link, changes);
    return ok(LinksMessages.updated, {
      id: updated.id,
      code: updated.code,
      short_url: this.links.shortUrl(updated.code),
      destination_url: updated.destination_url,
      label: updated.label,
      is_active: updated.is_active,
      created_at: this.links.timestamp(updated.created_at),
    });
  }

  @Post(['delete.php', 'delete'])
  @HttpCode(200)
  @RateLimit('_links_delete', 30)
  @ReceiverAuth('secret')
  @ApiEndpoint({
    summary: 'Delete a link and all its clicks',
    auth: 'secret',
    body: CODE_BODY,
    errors: { 400: 'code missing', 404: 'Link not found' },
  })
  async delete(
    @CurrentProject() project: ProjectEntity,
    @Body() body: JsonBody,
  ): Promise<Envelope> {
    const code = stringField(body, 'code') ?? '';
    if (!code) throw bad(LinksMessages.codeRequired);
    const link = await this.links.get(project.id, code);
    await this.links.delete(link);
    return ok(LinksMessages.deleted, { code: link.code });
  }
}
