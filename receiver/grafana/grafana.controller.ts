import { Get, HttpCode, Post } from '@nestjs/common';
import { CurrentProject, ReceiverAuth } from '../common/auth/decorators/receiver-auth.decorator';
import { ReceiverController } from '../common/decorators/receiver-controller.decorator';
import { ok } from '../common/envelope/envelope';
import { InvalidInputError } from '../common/errors/receiver.errors';
import type { JsonBody } from '../common/input/json-body.decorator';
import { RateLimit } from '../common/rate-limit/decorators/rate-limit.decorator';
import { ApiEndpoint, ApiGroup } from '../openapi/api-docs.decorators';
import type { ProjectEntity } from '../storage/entities/project.entity';
import { GrafanaBody } from './grafana-body.decorator';
import { GrafanaQueryService } from './grafana-query.service';
import { GRAFANA_DOCS } from './grafana.docs';
import { GRAFANA_MESSAGES } from './grafana.messages';
import { GRAFANA_METRICS, type DynamicPayload, type GrafanaQueryRequest } from './grafana.protocol';

const DYNAMIC: readonly string[] = ['group', 'code', 'host', 'key'] satisfies DynamicPayload[];
/** Requests per minute per IP on each route: a dashboard refreshes many panels at once. */
const LIMIT = 600;

/**
 * The Grafana JSON datasource protocol (`simpod-json-datasource`, Infinity) under
 * `<prefix>/grafana`, authenticated like the analytics endpoints: the project's secret key in
 * `X-API-Key` (a custom header of the datasource). See docs/grafana.md.
 */
@ApiGroup('grafana')
@ReceiverController('grafana')
export class GrafanaController {
  constructor(private readonly queries: GrafanaQueryService) {}

  @Get()
  @RateLimit('_grafana', LIMIT)
  @ReceiverAuth('secret')
  @ApiEndpoint(GRAFANA_DOCS.health)
  health() {
    return ok('Grafana datasource ready', {});
  }

  @Post('metrics')
  @HttpCode(200)
  @RateLimit('_grafana', LIMIT)
  @ReceiverAuth('secret')
  @ApiEndpoint(GRAFANA_DOCS.metrics)
  metrics() {
    return GRAFANA_METRICS;
  }

  @Post('metric-payload-options')
  @HttpCode(200)
  @RateLimit('_grafana', LIMIT)
  @ReceiverAuth('secret')
  @ApiEndpoint(GRAFANA_DOCS.payloadOptions)
  payloadOptions(@CurrentProject() project: ProjectEntity, @GrafanaBody() body: JsonBody) {
    const name = typeof body.name === 'string' ? body.name : '';
    const payload = isObject(body.payload) ? body.payload : {};
    const metric = GRAFANA_METRICS.find((m) => m.value === body.metric);
    const fixed = metric?.payloads.find((p) => p.name === name)?.options;
    if (fixed) return fixed;
    if (!DYNAMIC.includes(name)) throw new InvalidInputError(GRAFANA_MESSAGES.unknownPayload(name));
    return this.queries.options(project.id, name as DynamicPayload, payload);
  }

  @Post('query')
  @HttpCode(200)
  @RateLimit('_grafana', LIMIT)
  @ReceiverAuth('secret')
  @ApiEndpoint(GRAFANA_DOCS.query)
  query(@CurrentProject() project: ProjectEntity, @GrafanaBody() body: JsonBody) {
    return this.queries.query(project.id, body as unknown as GrafanaQueryRequest);
  }

  /**
   * Dashboard variables: `payload.target` names a dynamic payload (`host`, `key`, `group`,
   * `code`), or `metrics` for the metric list.
   */
  @Post('variable')
  @HttpCode(200)
  @RateLimit('_grafana', LIMIT)
  @ReceiverAuth('secret')
  @ApiEndpoint(GRAFANA_DOCS.variable)
  async variable(@CurrentProject() project: ProjectEntity, @GrafanaBody() body: JsonBody) {
    const payload = isObject(body.payload) ? body.payload : {};
    const target = typeof payload.target === 'string' ? payload.target : 'metrics';
    if (target === 'metrics') {
      return GRAFANA_METRICS.map((m) => ({ __text: m.label, __value: m.value }));
    }
    if (!DYNAMIC.includes(target)) {
      throw new InvalidInputError(GRAFANA_MESSAGES.unknownPayload(target));
    }
    const options = await this.queries.options(project.id, target as DynamicPayload, payload);
    return options.map((o) => ({ __text: o.label, __value: o.value }));
  }

  /** Ad hoc filters are not offered: no tag keys, no tag values. */
  @Post('tag-keys')
  @HttpCode(200)
  @RateLimit('_grafana', LIMIT)
  @ReceiverAuth('secret')
  @ApiEndpoint(GRAFANA_DOCS.tagKeys)
  tagKeys() {
    return [];
  }

  @Post('tag-values')
  @HttpCode(200)
  @RateLimit('_grafana', LIMIT)
  @ReceiverAuth('secret')
  @ApiEndpoint(GRAFANA_DOCS.tagValues)
  tagValues() {
    return [];
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
