/**
 * Fastify options the receiver's routes need. Fastify answers `414` to a route parameter over
 * 100 characters by default, while host names and flag names may have up to 191:
 *
 * ```ts
 * NestFactory.create(AppModule, new FastifyAdapter({ ...RECEIVER_FASTIFY_OPTIONS }));
 * ```
 */
export const RECEIVER_FASTIFY_OPTIONS = { routerOptions: { maxParamLength: 256 } } as const;
