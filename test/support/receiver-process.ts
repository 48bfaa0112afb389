/**
 * A receiver in its own process, for crash tests and benchmarks: ReceiverModule on Fastify over a
 * SQLite file (or a `postgres://` / `mysql://` URL), with one project created at start; every
 * other option from the `RECEIVER_*` environment (e.g. `RECEIVER_QUEUE=redis`). Prints one JSON
 * line `{"url", "projectId", "publicKey", "secretKey"}` once it listens.
 *
 *   node -r @swc-node/register test/support/receiver-process.ts <sqlite-file|url> [port]
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import { ReceiverModule } from '../../receiver';
import { ProjectEntity } from '../../receiver/storage/entities';
import { RECEIVER_DATA_SOURCE } from '../../receiver/storage/storage.constants';

async function main(): Promise<void> {
  const [file, port = '0'] = process.argv.slice(2);
  if (!file) throw new Error('usage: receiver-process.ts <sqlite-file> [port]');

  @Module({
    imports: [
      ReceiverModule.forRoot({
        database: /^(postgres|mysql):\/\//.test(file)
          ? { type: file.startsWith('postgres') ? 'postgres' : 'mysql', url: file }
          : { type: 'better-sqlite3', database: file },
        adminKey: 'process-admin-key',
        ipHashSalt: 'process-salt',
        production: false,
      }),
    ],
  })
  class ProcessReceiverModule {}

  const app = await NestFactory.create(ProcessReceiverModule, new FastifyAdapter(), {
    logger: ['error', 'warn'],
  });
  // Under `--cpu-prof` (a benchmark's BENCH_PROF) the process must exit normally on SIGTERM, or
  // Node writes no profile; otherwise Nest ends it by the signal, as a crash test expects.
  const profiling = process.execArgv.includes('--cpu-prof');
  app.enableShutdownHooks(undefined, { useProcessExit: profiling });
  await app.listen(Number(port), '127.0.0.1');
  const dataSource = app.get<DataSource>(RECEIVER_DATA_SOURCE);
  const repository = dataSource.getRepository(ProjectEntity);
  const now = new Date();
  const project =
    (await repository.findOne({ where: { name: 'process-project' } })) ??
    (await repository.save({
      name: 'process-project',
      secret_key: randomBytes(32).toString('hex'),
      public_key: randomBytes(16).toString('hex'),
      allowed_domains: 'example.com',
      is_active: true,
      signing_secret: null,
      token_policy: 'auto',
      created_at: now,
      updated_at: now,
    }));
  const { port: actual } = app.getHttpServer().address() as { port: number };
  process.stdout.write(
    JSON.stringify({
      url: `http://127.0.0.1:${actual}`,
      projectId: project.id,
      publicKey: project.public_key,
      secretKey: project.secret_key,
    }) + '\n',
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
