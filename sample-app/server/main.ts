import 'reflect-metadata';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { RECEIVER_FASTIFY_OPTIONS, ReceiverFileLogger, setupReceiverOpenApi } from '../../receiver';
import { AppModule } from './app.module';

const QUIET_START: LogLevel[] = ['error', 'warn'];
const RUNNING: LogLevel[] = ['log', 'error', 'warn'];

/**
 * Starts the sample receiver on Fastify: `PORT` (default 3000), `HOST` (default 127.0.0.1);
 * `RECEIVER_LOG_FILE` adds a rotating log file. The OpenAPI document is served at `/api/docs-json`
 * (and its UI at `/api/docs`) when `@nestjs/swagger` is installed.
 */
async function bootstrap(): Promise<void> {
  const fileLogger = ReceiverFileLogger.fromEnv();
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule,
    new FastifyAdapter({ ...RECEIVER_FASTIFY_OPTIONS }),
    // Without a log file: start quietly (no module and route listing), then log normally.
    { logger: fileLogger ?? QUIET_START },
  );
  app.enableShutdownHooks();
  try {
    setupReceiverOpenApi(app);
  } catch (error) {
    new Logger('SampleReceiver').warn((error as Error).message);
  }
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  await app.listen(port, host);
  if (!fileLogger) app.useLogger(RUNNING);
  // The address actually bound (PORT=0 picks a free port).
  new Logger('SampleReceiver').log(`Receiver listening on ${await app.getUrl()}/api`);
}

bootstrap().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
