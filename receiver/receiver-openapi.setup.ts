import { createRequire } from 'node:module';
import { Logger, type INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { ResolvedReceiverOptions } from './config/receiver-options.interface';
import { RECEIVER_OPTIONS } from './config/receiver-options.constants';
import { RECEIVER_API_MODULES, RECEIVER_ROOT_MODULES } from './receiver.features';
import { optionalSwagger } from './openapi/api-docs.decorators';
import { DEFAULT_OPENAPI_PATH, OPENAPI_SECURITY } from './openapi/openapi.constants';
import { OpenApiMessages } from './openapi/openapi.constants';

const requireOptional = createRequire(__filename);

/**
 * The OpenAPI 3 document `setupReceiverOpenApi` builds (`OpenAPIObject` of `@nestjs/swagger`),
 * typed here so that the declarations of apps without the optional `@nestjs/swagger` still check.
 */
export interface ReceiverOpenApiDocument {
  openapi: string;
  info: { title: string; version: string; [field: string]: unknown };
  paths: Record<string, unknown>;
  [field: string]: unknown;
}

/** Options of {@link setupReceiverOpenApi}. */
export interface ReceiverOpenApiOptions {
  /** Path under the receiver prefix: UI at `/api/<path>`, JSON at `/api/<path>-json`. Default `docs`. */
  path?: string;
  title?: string;
  version?: string;
  /**
   * Serve the Swagger UI page as well as the JSON document. Default: on Express always, on
   * Fastify when `@fastify/static` is installed (Swagger UI needs it there).
   */
  ui?: boolean;
}

/**
 * Builds the OpenAPI document of the receiver's routes (and only those) from the controllers'
 * decorators and serves it — a module cannot reach the app instance by itself, so call this
 * after `NestFactory.create()`:
 *
 * ```ts
 * const app = await NestFactory.create(AppModule, new FastifyAdapter());
 * setupReceiverOpenApi(app); // GET /api/docs (UI) and /api/docs-json
 * await app.listen(3000);
 * ```
 *
 * @returns the document, e.g. to write it to a file at build time.
 * @throws when `@nestjs/swagger` is not installed.
 */
export function setupReceiverOpenApi(
  app: INestApplication,
  options: ReceiverOpenApiOptions = {},
): ReceiverOpenApiDocument {
  const swagger = optionalSwagger();
  if (!swagger) throw new Error(OpenApiMessages.swaggerMissing);
  const receiver = app.get<ResolvedReceiverOptions>(RECEIVER_OPTIONS);
  const header = (name: string) => ({ type: 'apiKey' as const, in: 'header', name });
  const config = new swagger.DocumentBuilder()
    .setTitle(options.title ?? 'Telemetry receiver')
    .setDescription(
      'Micrologs-compatible analytics, error tracking and links, telemetry reports and feature ' +
        'flags. The Micrologs paths exist with and without their `.php` suffix; errors are ' +
        '`{success:false, message}` (plain text on the redirects).',
    )
    .setVersion(options.version ?? '1')
    .addSecurity(OPENAPI_SECURITY.secret, header('X-API-Key'))
    .addSecurity(OPENAPI_SECURITY.public, header('X-API-Key'))
    .addSecurity(OPENAPI_SECURITY.admin, header('X-Admin-Key'))
    .addSecurity(OPENAPI_SECURITY.bearer, { type: 'http', scheme: 'bearer' })
    .addSecurity(OPENAPI_SECURITY.metrics, { type: 'http', scheme: 'bearer' })
    .build();
  const document = swagger.SwaggerModule.createDocument(app, config, {
    include: [...RECEIVER_API_MODULES, ...RECEIVER_ROOT_MODULES],
  });
  uniqueOperationIds(document);
  const base = [receiver.routePrefix, options.path ?? DEFAULT_OPENAPI_PATH]
    .filter(Boolean)
    .join('/');
  swagger.SwaggerModule.setup(base, app, document, { ui: options.ui ?? uiAvailable(app) });
  return document as unknown as ReceiverOpenApiDocument;
}

/**
 * Swagger names every method of an `@All()` route after the handler alone, so a handler mounted
 * at two paths (`redirect.php` and `redirect`) yields the same operationIds twice; OpenAPI needs
 * them unique (client generators name functions after them). Repeats get a `_<n>` suffix.
 */
function uniqueOperationIds(document: OpenAPIObject): void {
  const seen = new Map<string, number>();
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as { operationId?: unknown }[]) {
      if (typeof operation?.operationId !== 'string') continue;
      const count = seen.get(operation.operationId) ?? 0;
      seen.set(operation.operationId, count + 1);
      if (count > 0) operation.operationId = `${operation.operationId}_${count}`;
    }
  }
}

function uiAvailable(app: INestApplication): boolean {
  if (app.getHttpAdapter().getType() !== 'fastify') return true;
  try {
    requireOptional.resolve('@fastify/static');
    return true;
  } catch {
    new Logger('ReceiverOpenApi').log(OpenApiMessages.uiNeedsFastifyStatic);
    return false;
  }
}
