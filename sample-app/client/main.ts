import 'reflect-metadata';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

const QUIET_START: LogLevel[] = ['error', 'warn'];
const RUNNING: LogLevel[] = ['log', 'error', 'warn'];

/** Starts the sample client: `TELEMETRY_SERVER_URL=http://127.0.0.1:3000/api/telemetry node …`. */
async function bootstrap(): Promise<void> {
  // Start-up quietly (no module and route listing), then log normally: reports, flag changes.
  const app = await NestFactory.create(AppModule, { logger: QUIET_START });
  // Shutdown hooks let the telemetry module send the backlog one last time on SIGTERM / Ctrl-C.
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3001);
  await app.listen(port, '127.0.0.1');
  app.useLogger(RUNNING);
  new Logger('SampleClient').log(`Sample client listening on http://127.0.0.1:${port}`);
}

void bootstrap();
