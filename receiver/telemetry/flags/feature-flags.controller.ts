import { Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { CurrentProject } from '../../common/auth/decorators/receiver-auth.decorator';
import { ReceiverAuth } from '../../common/auth/decorators/receiver-auth.decorator';
import { ReceiverController } from '../../common/decorators/receiver-controller.decorator';
import { ok, type Envelope } from '../../common/envelope/envelope';
import { Body, type JsonBody } from '../../common/input/json-body.decorator';
import { RateLimit } from '../../common/rate-limit/decorators/rate-limit.decorator';
import { ApiEndpoint, ApiGroup } from '../../openapi/api-docs.decorators';
import type { FeatureFlagEntity } from '../../storage/entities/feature-flag.entity';
import type { ProjectEntity } from '../../storage/entities/project.entity';
import { TelemetryMessages } from '../telemetry.messages';
import { parseFlagDefinition, parseFlagName } from './flag-input';
import { FeatureFlagsService } from './feature-flags.service';
import { FeatureFlagsDocs } from './feature-flags.docs';

const view = (flag: FeatureFlagEntity) => ({
  name: flag.name,
  description: flag.description,
  defaultValue: flag.default_value,
  hosts: flag.host_overrides,
  rollout: flag.rollout,
});

/** Flags admin API (project secret key). */
@ApiGroup('flags')
@ReceiverController('flags')
@ReceiverAuth('secret')
export class FeatureFlagsController {
  constructor(private readonly flags: FeatureFlagsService) {}

  @Get()
  @RateLimit('_flags_list', 60)
  @ApiEndpoint(FeatureFlagsDocs.list)
  async list(@CurrentProject() project: ProjectEntity): Promise<Envelope> {
    const flags = await this.flags.list(project.id);
    return ok(TelemetryMessages.flagsListed, { count: flags.length, flags: flags.map(view) });
  }

  @Put(':name')
  @HttpCode(200)
  @RateLimit('_flags_write', 60)
  @ApiEndpoint(FeatureFlagsDocs.put)
  async put(
    @CurrentProject() project: ProjectEntity,
    @Param('name') name: string,
    @Body() body: JsonBody,
  ): Promise<Envelope> {
    const flag = await this.flags.put(project.id, parseFlagName(name), parseFlagDefinition(body));
    return ok(TelemetryMessages.flagSaved(flag.name), view(flag));
  }

  @Delete(':name')
  @HttpCode(200)
  @RateLimit('_flags_write', 60)
  @ApiEndpoint(FeatureFlagsDocs.delete)
  async delete(
    @CurrentProject() project: ProjectEntity,
    @Param('name') name: string,
  ): Promise<Envelope> {
    await this.flags.delete(project.id, parseFlagName(name));
    return ok(TelemetryMessages.flagDeleted(name), { name });
  }
}
