// The smoke receiver: a fresh Nest application that mounts ReceiverModule from the packed package
// on Fastify. Database, admin key and salt come from the RECEIVER_* environment; it listens on a
// free port and prints it.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { RECEIVER_FASTIFY_OPTIONS, ReceiverModule } from 'nestjs-telemetry/receiver';

@Module({ imports: [ReceiverModule.forRoot()] })
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule,
    new FastifyAdapter({ ...RECEIVER_FASTIFY_OPTIONS }),
    { logger: ['error', 'warn'] },
  );
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  console.log(`SMOKE_LISTENING ${port}`);
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
