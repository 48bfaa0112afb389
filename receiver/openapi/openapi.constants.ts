import { installCommand } from '../../lib/packages/peer-packages';

/** Security scheme names of the receiver's OpenAPI document. */
export const OPENAPI_SECURITY = {
  /** Project secret key in `X-API-Key`. */
  secret: 'secretKey',
  /** Project public key in `X-API-Key` (with the domain lock). */
  public: 'publicKey',
  /** `X-Admin-Key`. */
  admin: 'adminKey',
  /** `Authorization: Bearer <token>` issued to one telemetry host. */
  bearer: 'bearerToken',
  /** `Authorization: Bearer <metrics.token>` of `/metrics`. */
  metrics: 'metricsToken',
} as const;

/**
 * The credentials each documented auth kind accepts, as alternatives (OpenAPI lists them as
 * separate security requirements, any one of which is enough). `either` is the contract's secret
 * or public key; `telemetry` is what reports and flag reads take: a host token or the secret key.
 */
export const OPENAPI_AUTH = {
  secret: [OPENAPI_SECURITY.secret],
  public: [OPENAPI_SECURITY.public],
  admin: [OPENAPI_SECURITY.admin],
  either: [OPENAPI_SECURITY.secret, OPENAPI_SECURITY.public],
  telemetry: [OPENAPI_SECURITY.bearer, OPENAPI_SECURITY.secret],
  metrics: [OPENAPI_SECURITY.metrics],
} as const;

/** An auth kind of {@link OPENAPI_AUTH}. */
export type ApiAuthKind = keyof typeof OPENAPI_AUTH;

/** Where the document is served by default: UI at `/api/docs`, JSON at `/api/docs-json`. */
export const DEFAULT_OPENAPI_PATH = 'docs';

/** Texts of the OpenAPI setup. */
export const OpenApiMessages = {
  swaggerMissing: `setupReceiverOpenApi() needs @nestjs/swagger: ${installCommand(['@nestjs/swagger'])} (the receiver runs without it).`,
  uiNeedsFastifyStatic:
    'OpenAPI JSON served; the Swagger UI page on Fastify needs @fastify/static (npm i @fastify/static).',
} as const;
