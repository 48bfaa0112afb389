import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { EnvSource } from '../../lib/protocol';
import { ReceiverModule } from '../receiver.module';
import { ReceiverCliMessages } from './cli.messages';
import { resolveCliDatabase } from './receiver-cli.database';
import {
  commandFailed,
  consoleOutput,
  type ReceiverCliOptions,
  type ReceiverCliOutput,
  stringOption,
} from './receiver-cli.runner';

/**
 * `nestjs-telemetry receiver worker [--concurrency <n>] [--kinds <a,b>] [--database <url>]`:
 * boots the same `ReceiverModule` as the HTTP receivers — same `RECEIVER_*` environment — with
 * no HTTP server and the Redis queue's workers on, and runs until SIGTERM or SIGINT. Then each
 * worker loop finishes and acknowledges the batch in hand, and the process exits 0.
 */
export async function runReceiverWorker(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput = consoleOutput,
  env: EnvSource = process.env,
): Promise<number> {
  let app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>>;
  try {
    const concurrency = wholeNumber(options, 'concurrency');
    const kinds = stringOption(options, 'kinds');
    const database = resolveCliDatabase(
      { database: stringOption(options, 'database'), create: false },
      env,
    );
    app = await NestFactory.createApplicationContext(
      workerModule({
        database: database.options,
        ingest: {
          queue: 'redis',
          redis: {
            workers: true,
            ...(concurrency !== undefined ? { concurrency } : {}),
            ...(kinds !== undefined ? { kinds } : {}),
          },
        },
      }),
      { logger: ['log', 'warn', 'error'], abortOnError: false },
    );
    await app.init();
  } catch (error) {
    return commandFailed(output, error);
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      // close() runs the shutdown hooks: the workers finish and acknowledge their batches.
      void app.close().finally(resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  return 0;
}

function workerModule(options: Parameters<typeof ReceiverModule.forRoot>[0]): DynamicModule {
  @Module({ imports: [ReceiverModule.forRoot(options)] })
  class ReceiverWorkerModule {}
  return { module: ReceiverWorkerModule };
}

function wholeNumber(options: ReceiverCliOptions, name: string): number | undefined {
  const value = stringOption(options, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new Error(ReceiverCliMessages.notWholeNumber(name, value));
  }
  return Number(value);
}
