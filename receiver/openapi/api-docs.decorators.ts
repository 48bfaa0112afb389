import { applyDecorators } from '@nestjs/common';
import { loadOptionalPackage } from '../../lib/packages/peer-packages';
import { OPENAPI_AUTH, type ApiAuthKind } from './openapi.constants';

type Swagger = typeof import('@nestjs/swagger');

let loaded: Swagger | null | undefined;

/**
 * `@nestjs/swagger` when installed. It is optional: without it the documentation decorators
 * below do nothing and the receiver works the same (only `setupReceiverOpenApi` needs it).
 */
export function optionalSwagger(): Swagger | null {
  if (loaded === undefined) {
    loaded = loadOptionalPackage<Swagger>('@nestjs/swagger') ?? null;
  }
  return loaded;
}

/** One documented query, path or header parameter (always a string on the wire). */
export interface ApiParam {
  name: string;
  description: string;
  /** Default: `false` for query and header parameters; path parameters are always required. */
  required?: boolean;
  enum?: readonly string[];
}

/** One JSON body field. */
export interface ApiBodyField {
  /** JSON type (`string`, `integer`, `boolean`, `object`, `array`); omitted = any JSON value. */
  type?: string;
  /** Element type when `type` is `array`. */
  items?: string;
  description: string;
  required?: boolean;
  enum?: readonly string[];
}

/** What {@link ApiEndpoint} documents about one route. */
export interface ApiEndpointOptions {
  summary: string;
  description?: string;
  /** Credentials the route takes; absent = no key. */
  auth?: ApiAuthKind;
  query?: ApiParam[];
  /** Path parameters (`:name` segments). */
  params?: ApiParam[];
  /** Request headers besides the key (signatures, `If-None-Match`, …). */
  headers?: ApiParam[];
  /** JSON body fields, documented as an object with these properties. */
  body?: Record<string, ApiBodyField>;
  /** Success status and what it returns. */
  success?: { status: number; description: string };
  /** Other non-error answers (e.g. `{304: 'Not modified'}`). */
  responses?: Record<number, string>;
  /** Error statuses this route can answer besides 405/429 (e.g. `{400: 'bad range'}`). */
  errors?: Record<number, string>;
  /** Whether the route has a rate limit (documents the 429). Default `true`. */
  rateLimited?: boolean;
}

/** Tags a receiver controller in the OpenAPI document (no-op without `@nestjs/swagger`). */
export function ApiGroup(tag: string): ClassDecorator {
  const swagger = optionalSwagger();
  return swagger ? swagger.ApiTags(tag) : () => undefined;
}

/** Documents a receiver route (no-op without `@nestjs/swagger`). */
export function ApiEndpoint(options: ApiEndpointOptions): MethodDecorator {
  const swagger = optionalSwagger();
  if (!swagger) return () => undefined;
  const decorators: MethodDecorator[] = [
    swagger.ApiOperation({ summary: options.summary, description: options.description }),
  ];
  // One ApiSecurity per accepted credential: separate requirements, any one of which is enough.
  for (const scheme of options.auth ? OPENAPI_AUTH[options.auth] : []) {
    decorators.push(swagger.ApiSecurity(scheme));
  }
  for (const param of options.params ?? []) {
    decorators.push(
      swagger.ApiParam({ name: param.name, description: param.description, ...schemaOf(param) }),
    );
  }
  for (const param of options.query ?? []) {
    decorators.push(
      swagger.ApiQuery({
        name: param.name,
        description: param.description,
        required: param.required ?? false,
        ...schemaOf(param),
      }),
    );
  }
  for (const param of options.headers ?? []) {
    decorators.push(
      swagger.ApiHeader({
        name: param.name,
        description: param.description,
        required: param.required ?? false,
        ...(param.enum ? { enum: [...param.enum] } : {}),
      }),
    );
  }
  if (options.body) decorators.push(swagger.ApiBody({ schema: bodySchema(options.body) }));
  const success = options.success ?? {
    status: 200,
    description: 'Envelope `{success, message, data}`',
  };
  decorators.push(swagger.ApiResponse(success));
  for (const [status, description] of Object.entries(options.responses ?? {})) {
    decorators.push(swagger.ApiResponse({ status: Number(status), description }));
  }
  if (options.auth) {
    const what = options.auth === 'telemetry' ? 'token or key' : 'key';
    decorators.push(
      swagger.ApiResponse({ status: 401, description: `Missing or invalid ${what}` }),
    );
  }
  for (const [status, description] of Object.entries(options.errors ?? {})) {
    decorators.push(swagger.ApiResponse({ status: Number(status), description }));
  }
  if (options.rateLimited ?? true) {
    decorators.push(
      swagger.ApiResponse({ status: 429, description: 'Rate limited (15-minute block)' }),
    );
  }
  return applyDecorators(...decorators);
}

function schemaOf(param: ApiParam) {
  return param.enum ? { enum: [...param.enum] } : { type: String };
}

function bodySchema(fields: Record<string, ApiBodyField>) {
  const required = Object.entries(fields)
    .filter(([, field]) => field.required)
    .map(([name]) => name);
  const properties = Object.fromEntries(
    Object.entries(fields).map(([name, field]) => [
      name,
      {
        description: field.description,
        ...(field.type ? { type: field.type } : {}),
        ...(field.items ? { items: { type: field.items } } : {}),
        ...(field.enum ? { enum: [...field.enum] } : {}),
      },
    ]),
  );
  return { type: 'object', ...(required.length > 0 ? { required } : {}), properties };
}
