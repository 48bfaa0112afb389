/** Texts of the OpenAPI setup. */
export const OpenApiMessages = {
  swaggerMissing:
    'setupReceiverOpenApi() needs @nestjs/swagger: npm i @nestjs/swagger (the receiver runs without it).',
  uiNeedsFastifyStatic:
    'OpenAPI JSON served; the Swagger UI page on Fastify needs @fastify/static (npm i @fastify/static).',
} as const;
