import { FEATURE_FLAGS_KEY } from '../../../lib/protocol';
import { Delete, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { CurrentProject } from '../../common/auth/decorators/receiver-auth.decorator';
import { ReceiverAuth } from '../../common/auth/decorators/receiver-auth.decorator';
import { ReceiverController } from '../../common/decorators/receiver-controller.decorator';
import { ok, type Envelope } from '../../common/envelope/envelope';
import { Body, type JsonBody } from '../../common/input/json-body.decorator';
import { RateLimit } from '../../common/rate-limit/decorators/rate-limit.decorator';
import { queryParam } from '../../common/request/receiver-request';
import { ApiEndpoint, ApiGroup } from '../../openapi/api-docs.decorators';
import type { ProjectEntity } from '../../storage/entities/project.entity';
import { MAX_VALUE_BYTES } from '../telemetry.constants';
import { TelemetryMessages } from '../telemetry.messages';
import { TelemetryHostsService } from './telemetry-hosts.service';
import { TelemetryHostsDocs } from './telemetry-hosts.docs';
import { InvalidInputError } from '../../common/errors/receiver.errors';

/** Hosts API (project secret key): activity, latest values, history, approval, response extras. */
@ApiGroup('hosts')
@ReceiverController('telemetry/hosts')
@ReceiverAuth('secret')
export class TelemetryHostsController {
  constructor(private readonly hosts: TelemetryHostsService) {}

  @Get()
  @RateLimit('_telemetry_hosts', 60)
  @ApiEndpoint(TelemetryHostsDocs.list)
  async list(@CurrentProject() project: ProjectEntity): Promise<Envelope> {
    const hosts = await this.hosts.list(project.id);
    const now = Date.now();
    return ok(TelemetryMessages.hostsListed, {
      count: hosts.length,
      hosts: hosts.map((host) => this.hosts.view(host, now)),
    });
  }

  @Get(':host')
  @RateLimit('_telemetry_hosts', 60)
  @ApiEndpoint(TelemetryHostsDocs.detail)
  async detail(
    @CurrentProject() project: ProjectEntity,
    @Param('host') name: string,
  ): Promise<Envelope> {
    const host = await this.hosts.get(project.id, name);
    return ok(TelemetryMessages.hostFetched, {
      ...this.hosts.view(host),
      values: await this.hosts.latest(host),
    });
  }

  @Get(':host/keys/:key')
  @RateLimit('_telemetry_hosts', 60)
  @ApiEndpoint(TelemetryHostsDocs.history)
  async history(
    @CurrentProject() project: ProjectEntity,
    @Param('host') name: string,
    @Param('key') key: string,
    @Req() request: unknown,
  ): Promise<Envelope> {
    const host = await this.hosts.get(project.id, name);
    const data = await this.hosts.history(host, key, {
      from: queryParam(request, 'from'),
      to: queryParam(request, 'to'),
      bucket: queryParam(request, 'bucket'),
    });
    return ok(TelemetryMessages.historyFetched, data);
  }

  @Post(':host/approve')
  @HttpCode(200)
  @RateLimit('_telemetry_hosts_write', 30)
  @ApiEndpoint(TelemetryHostsDocs.approve)
  async approve(
    @CurrentProject() project: ProjectEntity,
    @Param('host') name: string,
  ): Promise<Envelope> {
    const host = await this.hosts.get(project.id, name);
    await this.hosts.approve(host);
    return ok(TelemetryMessages.hostApproved(name), this.hosts.view(host));
  }

  @Delete(':host')
  @HttpCode(200)
  @RateLimit('_telemetry_hosts_write', 30)
  @ApiEndpoint(TelemetryHostsDocs.delete)
  async delete(
    @CurrentProject() project: ProjectEntity,
    @Param('host') name: string,
  ): Promise<Envelope> {
    const host = await this.hosts.get(project.id, name);
    await this.hosts.delete(host);
    return ok(TelemetryMessages.hostDeleted(name), { host: name });
  }

  @Put(':host/response')
  @HttpCode(200)
  @RateLimit('_telemetry_hosts_write', 30)
  @ApiEndpoint(TelemetryHostsDocs.setResponse)
  async setResponse(
    @CurrentProject() project: ProjectEntity,
    @Param('host') name: string,
    @Body() body: JsonBody,
  ): Promise<Envelope> {
    if (Array.isArray(body)) throw new InvalidInputError(TelemetryMessages.extrasInvalid);
    if (FEATURE_FLAGS_KEY in body) throw new InvalidInputError(TelemetryMessages.extrasReserved);
    if (Buffer.byteLength(JSON.stringify(body)) > MAX_VALUE_BYTES) {
      throw new InvalidInputError(TelemetryMessages.extrasInvalid);
    }
    const host = await this.hosts.get(project.id, name);
    await this.hosts.setExtras(host, body);
    return ok(TelemetryMessages.extrasUpdated(name), this.hosts.view(host));
  }
}
