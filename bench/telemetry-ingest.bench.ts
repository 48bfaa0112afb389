/**
 * `npm run bench -- telemetry-ingest`: telemetry reports per second the receiver stores on
 * SQLite (Nest + Fastify, ReceiverModule, real HTTP), against a bare Fastify route that parses
 * the same JSON body and answers 200, measured in the same run for the ratio. Each server runs
 * in its own process; autocannon runs in this one.
 */
import 'reflect-metadata';
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import type { DataSource } from 'typeorm';
import { ProjectEntity, RECEIVER_FASTIFY_OPTIONS, ReceiverModule } from '../receiver';
import { RECEIVER_DATA_SOURCE } from '../receiver/storage/storage.constants';
import { TelemetrySampleEntity } from '../receiver/storage/entities/telemetry-sample.entity';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const SECRET_KEY = 'b'.repeat(64);
const CONNECTIONS = 20;
const KEYS = 6;

const HOSTS = 200;
const START = Date.parse('2026-01-01T00:00:00Z');

let sequence = 0;
/**
 * A distinct report per request: 200 hosts take turns, each report one second after the host's
 * previous one, so none is an idempotent repeat and every one is stored.
 */
function nextReport(): string {
  sequence += 1;
  const data: Record<string, unknown> = {};
  for (let k = 0; k < KEYS; k++) data[`metric_${k}`] = k === 0 ? { users: sequence } : sequence * k;
  const at = new Date(START + Math.floor(sequence / HOSTS) * 1000);
  return JSON.stringify({
    host: `bench-host-${sequence % HOSTS}`,
    timestamp: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    data,
  });
}

async function load(url: string, headers: Record<string, string>): Promise<autocannon.Result> {
  return autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers: { 'content-type': 'application/json', ...headers },
    requests: [{ setupRequest: (request) => ({ ...request, body: nextReport() }) }],
  });
}

/** Runs `role` in a child process (so the load generator never shares the server's event loop). */
function spawnServer(role: 'bare' | 'receiver'): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(__filename, [role], {
    execArgv: [
      '-r',
      '@swc-node/register',
      ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
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

async function measure(role: 'bare' | 'receiver', headers: Record<string, string>) {
  const { child, port } = await spawnServer(role);
  const result = await load(`http://127.0.0.1:${port}/api/telemetry`, headers);
  const { stored, cpuMs } = await stopServer(child);
  return { result, stored, cpuMs };
}

async function main(): Promise<void> {
  console.log(
    `${CONNECTIONS} connections, ${DURATION_S} s each, ${KEYS} keys per report, ${HOSTS} hosts`,
  );
  const { result: bare } = await measure('bare', {});
  const nest = await measure('receiver', { 'x-api-key': SECRET_KEY, 'x-test-mode': 'phpunit' });
  const bareRate = bare.requests.average;
  const storedRate = nest.stored / DURATION_S;
  const row = (name: string, rate: number, r: autocannon.Result) =>
    `${name.padEnd(34)} ${rate.toFixed(0).padStart(8)} /s   p99 ${String(r.latency.p99).padStart(4)} ms   non-2xx ${r.non2xx}   errors ${r.errors}`;
  console.log(row('bare Fastify route (parse, 200)', bareRate, bare));
  console.log(row('ReceiverModule, reports stored', storedRate, nest.result));
  console.log(`ratio receiver / bare Fastify: ${(storedRate / bareRate).toFixed(3)}`);
  console.log(`samples stored: ${nest.stored * KEYS} (${nest.stored} reports)`);
  console.log(
    `receiver CPU per stored report: ${((nest.cpuMs * 1000) / Math.max(nest.stored, 1)).toFixed(0)} µs`,
  );
}

const role = process.argv[2];
const entry = role === 'bare' ? serveBare : role === 'receiver' ? serveReceiver : main;
entry().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
