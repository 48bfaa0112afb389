import { Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { ReceiverAuth } from '../common/auth/decorators/receiver-auth.decorator';
import { ReceiverController } from '../common/decorators/receiver-controller.decorator';
import { ok, type Envelope } from '../common/envelope/envelope';
import { InvalidInputError } from '../common/errors/receiver.errors';
import { Body, type JsonBody } from '../common/input/json-body.decorator';
import { RateLimit } from '../common/rate-limit/decorators/rate-limit.decorator';
import { queryParam } from '../common/request/receiver-request';
import { ApiEndpoint, ApiGroup } from '../openapi/api-docs.decorators';
import { AlertsDocs } from './alerts.docs';
import { AlertsMessages } from './alerts.messages';
import { AlertDeliveriesService } from './delivery/alert-deliveries.service';
import { parseAlertRuleChanges, parseNewAlertRule, positiveId } from './rules/alert-rule.input';
import { AlertRulesService, ruleView } from './rules/alert-rules.service';

const idOf = (value: string): number => {
  const id = positiveId(value);
  if (id === undefined) throw new InvalidInputError(AlertsMessages.idRequired);
  return id;
};

/** Alert rules and their delivery log, for admins: `/api/alerts/...`. */
@ApiGroup('alerts')
@ReceiverController('alerts')
@ReceiverAuth('admin')
export class AlertsController {
  constructor(
    private readonly rules: AlertRulesService,
    private readonly deliveries: AlertDeliveriesService,
  ) {}

  @Post('rules')
  @HttpCode(201)
  @RateLimit('_alerts_write', 30)
  @ApiEndpoint(AlertsDocs.create)
  async create(@Body() body: JsonBody): Promise<Envelope> {
    const rule = await this.rules.create(parseNewAlertRule(body));
    return ok(AlertsMessages.created, ruleView(rule));
  }

  @Get('rules')
  @RateLimit('_alerts_read', 60)
  @ApiEndpoint(AlertsDocs.list)
  async list(@Req() request: unknown): Promise<Envelope> {
    const projectId = positiveId(queryParam(request, 'project'));
    if (projectId === undefined) throw new InvalidInputError(AlertsMessages.projectQueryRequired);
    const rules = await this.rules.list(projectId);
    return ok(AlertsMessages.listed, { count: rules.length, rules: rules.map(ruleView) });
  }

  @Get('rules/:id')
  @RateLimit('_alerts_read', 60)
  @ApiEndpoint(AlertsDocs.get)
  async get(@Param('id') id: string): Promise<Envelope> {
    return ok(AlertsMessages.fetched, ruleView(await this.rules.get(idOf(id))));
  }

  @Patch('rules/:id')
  @RateLimit('_alerts_write', 30)
  @ApiEndpoint(AlertsDocs.edit)
  async edit(@Param('id') id: string, @Body() body: JsonBody): Promise<Envelope> {
    const rule = await this.rules.get(idOf(id));
    const updated = await this.rules.update(rule.id, parseAlertRuleChanges(rule.kind, body));
    return ok(AlertsMessages.updated, ruleView(updated));
  }

  @Delete('rules/:id')
  @HttpCode(200)
  @RateLimit('_alerts_write', 30)
  @ApiEndpoint(AlertsDocs.delete)
  async delete(@Param('id') id: string): Promise<Envelope> {
    const rule = await this.rules.delete(idOf(id));
    return ok(AlertsMessages.deleted, { id: rule.id, name: rule.name });
  }

  @Post('rules/:id/test')
  @HttpCode(202)
  @RateLimit('_alerts_test', 10)
  @ApiEndpoint(AlertsDocs.test)
  async test(@Param('id') id: string): Promise<Envelope> {
    const deliveryId = await this.deliveries.queueTest(await this.rules.get(idOf(id)));
    return ok(AlertsMessages.testQueued, { delivery_id: deliveryId });
  }

  @Get('deliveries')
  @RateLimit('_alerts_read', 60)
  @ApiEndpoint(AlertsDocs.deliveries)
  async log(@Req() request: unknown): Promise<Envelope> {
    const deliveries = await this.deliveries.log({
      project: queryParam(request, 'project'),
      rule: queryParam(request, 'rule'),
      status: queryParam(request, 'status'),
      limit: queryParam(request, 'limit'),
    });
    return ok(AlertsMessages.deliveriesListed, { count: deliveries.length, deliveries });
  }
}
