/**
 * `npm run bench -- telemetry`: telemetry reports per second the receiver stores on SQLite
 * (Nest + Fastify, ReceiverModule, real HTTP), against a bare Fastify route that parses the same
 * JSON body and answers 200 and the SQLite floor (support/sqlite-floor.ts: a bare Fastify route
 * that commits each report as one row before answering, on the loop and in a thread), loaded by
 * wrk in alternating rounds of the same run for the ratios
 * (bench/support/wrk/telemetry-report.lua: a distinct 6-key report per request). Each server runs
 * in its own process. `BENCH_PROF=1` writes CPU profiles of both servers to /tmp/prof, or to
 * `BENCH_PROF_DIR` (so that runs of several people on one machine do not mix their files).
 */
import 'reflect-metadata';
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import Fastify from 'fastify';
import type { DataSource } from 'typeorm';
import { ProjectEntity, RECEIVER_FASTIFY_OPTIONS, ReceiverModule } from '../receiver';
import { RECEIVER_DATA_SOURCE } from '../receiver/storage/storage.constants';
import { TelemetrySampleEntity } from '../receiver/storage/entities/telemetry-sample.entity';
import { type FloorWriter, startFloor } from './support/sqlite-floor';
import { wrk, type WrkResult } from './support/wrk';

const ROUNDS = 3;
const ROUND_SECONDS = Number(process.env.BENCH_DURATION ?? 3);
const SECRET_KEY = 'b'.repeat(64);
const CONNECTIONS = 20;
const KEYS = 6;
const GOAL_RATIO = 0.5;

/** Runs `role` in a child process (so the load generator never shares the server's event loop). */
function spawnServer(
  role: 'bare' | 'receiver' | 'floor',
  writer?: FloorWriter,
): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(__filename, writer ? [role, writer] : [role], {
    execArgv: [
      '-r',
      '@swc-node/register',
      ...(process.env.BENCH_PROF
        ? ['--cpu-prof', '--cpu-prof-dir=' + (process.env.BENCH_PROF_DIR ?? '/tmp/prof')]
        : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve({ child, port: message.port }));
    child.once('exit', (code) => reject(new Error(`${role} server exited with ${code}`)));
  });
}

/** Asks a server process for its stored report count, then stops it. */
function stopServer(child: ChildProcess): Promise<{ stored: number; cpuMs: number }> {
  return new Promise((resolve) => {
    child.once('message', (message: { stored: number; cpuMs?: number }) => {
      const timer = setTimeout(() => child.kill('SIGTERM'), 5_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve({ stored: message.stored, cpuMs: message.cpuMs ?? 0 });
      });
    });
    child.send('stop');
  });
}

async function serveBare(): Promise<void> {
  const app = Fastify();
  app.post('/api/telemetry', async (request) => ({ feature_flags: {}, got: !!request.body }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  process.send?.({ port });
  process.on('message', async () => {
    process.send?.({ stored: 0 });
    await app.close();
    process.exit(0);
  });
}

async function serveFloor(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'floor-bench-'));
  const floor = await startFloor(join(dir, 'floor.sqlite'), process.argv[3] as FloorWriter);
  process.send?.({ port: floor.port });
  process.on('message', async () => {
    process.send?.({ stored: floor.stored() });
    await floor.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
}

async function serveReceiver(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'receiver-bench-'));
  @Module({
    imports: [
      ReceiverModule.forRoot({
        database: { type: 'better-sqlite3', database: join(dir, 'receiver.sqlite') },
        adminKey: 'bench-admin-key',
        ipHashSalt: 'bench-salt',
        // The test hook lets one load generator exceed the per-IP rate limit.
        production: false,
      }),
    ],
  })
  class BenchReceiverModule {}
  const app = await NestFactory.create<NestFastifyApplication>(
    BenchReceiverModule,
    new FastifyAdapter({ ...RECEIVER_FASTIFY_OPTIONS }),
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  const dataSource = app.get<DataSource>(RECEIVER_DATA_SOURCE);
  const projects = dataSource.getRepository(ProjectEntity);
  await projects.save(
    projects.create({
      name: 'bench',
      secret_key: SECRET_KEY,
      public_key: 'b'.repeat(32),
      allowed_domains: 'bench.local',
      is_active: true,
      signing_secret: null,
      encryption_key: null,
      token_policy: 'auto',
      created_at: new Date(),
      updated_at: new Date(),
    }),
  );
  const { port } = app.getHttpServer().address() as { port: number };
  const cpuAtStart = process.cpuUsage();
  process.send?.({ port });
  process.on('message', async () => {
    // CPU the server spent under load: unlike rates, barely moved by other load on the machine.
    const cpu = process.cpuUsage(cpuAtStart);
    const samples = await dataSource.getRepository(TelemetrySampleEntity).count();
    process.send?.({ stored: samples / KEYS, cpuMs: (cpu.user + cpu.system) / 1000 });
    await app.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
}

async function main(): Promise<void> {
  const bare = await spawnServer('bare');
  const floors = [await spawnServer('floor', 'loop'), await spawnServer('floor', 'thread')];
  const receiver = await spawnServer('receiver');
  const load = (port: number, headers: Record<string, string> = {}) =>
    wrk({
      url: `http://127.0.0.1:${port}/api/telemetry`,
      connections: CONNECTIONS,
      seconds: ROUND_SECONDS,
      script: 'telemetry-report',
      headers,
    });
  const receiverHeaders = { 'X-API-Key': SECRET_KEY, 'X-Test-Mode': 'phpunit' };
  const sum = {
    bare: { ok: 0, seconds: 0 },
    floors: floors.map(() => ({ ok: 0, seconds: 0 })),
    receiver: { ok: 0, seconds: 0 },
  };
  const count = (into: { ok: number; seconds: number }, r: WrkResult) => {
    into.ok += r.ok;
    into.seconds += r.seconds;
  };
  const p99: number[] = [];
  let non2xx = 0;
  let acknowledged = 0;
  try {
    await load(bare.port);
    for (const floor of floors) await load(floor.port);
    acknowledged += (await load(receiver.port, receiverHeaders)).ok;
    // The machine is shared: alternate short rounds so both servers see the same conditions.
    for (let round = 0; round < ROUNDS; round++) {
      count(sum.bare, await load(bare.port));
      for (const [i, floor] of floors.entries()) count(sum.floors[i], await load(floor.port));
      const result = await load(receiver.port, receiverHeaders);
      count(sum.receiver, result);
      acknowledged += result.ok;
      non2xx += result.non2xx;
      p99.push(result.p99Ms);
    }
  } finally {
    await stopServer(bare.child);
    for (const floor of floors) await stopServer(floor.child);
  }
  const { stored, cpuMs } = await stopServer(receiver.child);
  const bareRate = sum.bare.ok / sum.bare.seconds;
  const receiverRate = sum.receiver.ok / sum.receiver.seconds;
  const [loopRate, threadRate] = sum.floors.map((f) => f.ok / f.seconds);
  const floorRate = Math.max(loopRate, threadRate);
  console.log(
    `wrk, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s, ${KEYS} keys per report`,
  );
  console.log(`bare Fastify route (parse, 200)   ${bareRate.toFixed(0).padStart(8)} /s`);
  console.log(
    `SQLite floor (one row, 202)       ${loopRate.toFixed(0).padStart(8)} /s on the loop, ` +
      `${threadRate.toFixed(0)} /s in a thread`,
  );
  console.log(
    `ReceiverModule, reports stored    ${receiverRate.toFixed(0).padStart(8)} /s   ` +
      `p99 ${p99.sort((a, b) => a - b)[p99.length >> 1].toFixed(1)} ms   non-2xx ${non2xx}`,
  );
  console.log(
    `» telemetry ingest, ${CONNECTIONS} connections: ratio receiver / bare ` +
      `${(receiverRate / bareRate).toFixed(3)} (goal ≥ ${GOAL_RATIO}); SQLite floor / bare ` +
      `${(floorRate / bareRate).toFixed(3)}; receiver / floor ${(receiverRate / floorRate).toFixed(3)}`,
  );
  console.log(`acknowledged reports: ${acknowledged}; stored: ${stored}`);
  console.log(
    `receiver CPU per stored report: ${((cpuMs * 1000) / Math.max(stored, 1)).toFixed(0)} µs`,
  );
  if (stored < acknowledged) process.exitCode = 1;
}

const role = process.argv[2];
const entry =
  role === 'bare'
    ? serveBare
    : role === 'floor'
      ? serveFloor
      : role === 'receiver'
        ? serveReceiver
        : main;
entry().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
