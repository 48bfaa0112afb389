import { createRequire } from 'node:module';
import { applyDecorators } from '@nestjs/common';
import { OPENAPI_SECURITY } from './openapi.constants';

type Swagger = typeof import('@nestjs/swagger');

const requireOptional = createRequire(__filename);
let loaded: Swagger | null | undefined;

/**
 * `@nestjs/swagger` when installed. It is optional: without it the documentation decorators
 * below do nothing and the receiver works the same (only `setupReceiverOpenApi` needs it).
 */
export function optionalSwagger(): Swagger | null {
  if (loaded === undefined) {
    try {
      loaded = requireOptional('@nestjs/swagger') as Swagger;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

/** One documented query parameter. */
export interface ApiParam {
  name: string;
  description: string;
  required?: boolean;
  enum?: readonly string[];
}

/** What {@link ApiEndpoint} documents about one route. */
export interface ApiEndpointOptions {
  summary: string;
  description?: string;
  auth?: keyof typeof OPENAPI_SECURITY;
  query?: ApiParam[];
  /** JSON body fields, documented as a free-form object with these properties. */
  body?: Record<string, { type: string; description: string; required?: boolean }>;
  /** Success status and what it returns. */
  success?: { status: number; description: string };
  /** Error statuses this route can answer besides 405/429 (e.g. `{400: 'bad range'}`). */
  errors?: Record<number, string>;
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
  if (options.auth) decorators.push(swagger.ApiSecurity(OPENAPI_SECURITY[options.auth]));
  for (const param of options.query ?? []) {
    decorators.push(
      swagger.ApiQuery({
        name: param.name,
        description: param.description,
        required: param.required ?? false,
        ...(param.enum ? { enum: [...param.enum] } : { type: String }),
      }),
    );
  }
  if (options.body) {
    const required = Object.entries(options.body)
      .filter(([, field]) => field.required)
      .map(([name]) => name);
    decorators.push(
      swagger.ApiBody({
        schema: {
          type: 'object',
          required,
          properties: Object.fromEntries(
            Object.entries(options.body).map(([name, field]) => [
              name,
              { type: field.type, description: field.description },
            ]),
          ),
        },
      }),
    );
  }
  const success = options.success ?? {
    status: 200,
    description: 'Envelope `{success, message, data}`',
  };
  decorators.push(swagger.ApiResponse(success));
  if (options.auth)
    decorators.push(swagger.ApiResponse({ status: 401, description: 'Missing or invalid key' }));
  for (const [status, description] of Object.entries(options.errors ?? {})) {
    decorators.push(swagger.ApiResponse({ status: Number(status), description }));
  }
  decorators.push(
    swagger.ApiResponse({ status: 429, description: 'Rate limited (15-minute block)' }),
  );
  return applyDecorators(...decorators);
}
