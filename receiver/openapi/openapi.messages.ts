import { installCommand } from '../../lib/packages/peer-packages';

/** Texts of the OpenAPI setup. */
export const OpenApiMessages = {
  swaggerMissing: `setupReceiverOpenApi() needs @nestjs/swagger: ${installCommand(['@nestjs/swagger'])} (the receiver runs without it).`,
  uiNeedsFastifyStatic:
    'OpenAPI JSON served; the Swagger UI page on Fastify needs @fastify/static (npm i @fastify/static).',
} as const;
