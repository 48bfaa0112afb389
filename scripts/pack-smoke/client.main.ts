// The smoke client: a fresh Nest application that installed only the client half of the packed
// package. It reports one collector to the receiver named by TELEMETRY_SERVER_URL (every option
// comes from the environment) until it is stopped.
import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Telemetry, TelemetryModule } from 'nestjs-telemetry';

@Injectable()
class OrdersTelemetry {
  @Telemetry({ key: 'smoke_orders', interval: 1 })
  orders(): { count: number; node: string } {
    return { count: 42, node: process.version };
  }
}

@Module({ imports: [TelemetryModule.forRoot()], providers: [OrdersTelemetry] })
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  // A worker without an HTTP server: the telemetry timers never keep a process alive (they are
  // unref'd), so the app holds itself open until SIGTERM, as a real worker's own loop would.
  setInterval(() => undefined, 60_000);
  console.log('SMOKE_READY');
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
