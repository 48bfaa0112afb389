/**
 * `npm run bench -- client`: catch-up after an outage. One hour of 1-second collection rounds of
 * 10 collectors (3,600 rounds, 36,000 values) waits in the client's file outbox; the receiver
 * (ReceiverModule on Fastify over SQLite, in its own process) comes back; the time until the
 * outbox is empty and every value is stored is printed, with the number of requests it took.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HttpService } from '@nestjs/axios';
import { TelemetryModule, TelemetryReporter, type OutboxEntryInput } from '../lib';
import { TelemetryOutbox } from '../lib/outbox/telemetry-outbox.service';
import { startReceiverProcess } from '../test/support/receiver-process.client';

const ROUNDS = 3_600;
const COLLECTORS = 10;
const HOST = 'catch-up-host';

function hourOfRounds(): OutboxEntryInput[] {
  const start = Math.floor(Date.now() / 1000) - ROUNDS - 60;
  const entries: OutboxEntryInput[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const collectedAt = new Date((start + r) * 1000).toISOString();
    for (let c = 0; c < COLLECTORS; c++) {
      entries.push({
        key: `metric_${c}`,
        value: c === 0 ? { users: r } : r * c,
        collectedAt,
        host: HOST,
      });
    }
  }
  return entries;
}

async function main(): Promise<void> {
  Logger.overrideLogger(false);
  const dir = mkdtempSync(join(tmpdir(), 'telemetry-catch-up-'));
  const receiver = await startReceiverProcess(join(dir, 'receiver.sqlite'));
  try {
    @Module({
      imports: [
        TelemetryModule.forRoot({
          serverUrl: `${receiver.info.url}/api/telemetry`,
          customHeaders: { 'X-API-Key': receiver.info.secretKey },
          host: HOST,
          store: 'file',
          storePath: join(dir, 'outbox.json'),
          maxOutboxEntries: ROUNDS * COLLECTORS,
          manualRegistration: true,
          flagsPollInterval: 0,
        }),
      ],
    })
    class CatchUpModule {}
    const app = await NestFactory.createApplicationContext(CatchUpModule, { logger: false });
    const outbox = app.get(TelemetryOutbox);
    await outbox.add(hourOfRounds());
    let requests = 0;
    app.get(HttpService).axiosRef.interceptors.request.use((config) => {
      requests++;
      return config;
    });

    const reporter = app.get(TelemetryReporter);
    const started = process.hrtime.bigint();
    let rounds = 0;
    for (;;) {
      const outcome = await reporter.sendBacklog();
      rounds += outcome.payloads;
      if (outcome.status !== 'sent' || outcome.remaining === 0) break;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const left = await outbox.size();
    await app.close();
    console.log(
      `Catch-up of ${ROUNDS} one-second rounds of ${COLLECTORS} collectors (file outbox -> ReceiverModule, Fastify + SQLite, own process):`,
    );
    console.log(
      `  ${rounds} rounds delivered in ${seconds.toFixed(2)} s with ${requests} requests (${left} values left in the outbox)`,
    );
  } finally {
    receiver.child.kill('SIGTERM');
    await receiver.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
