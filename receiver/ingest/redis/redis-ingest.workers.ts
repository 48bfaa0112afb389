import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { createRedisClient } from '../../common/redis/redis-client.factory';
import type { ResolvedReceiverOptions } from '../../config/receiver-options.interface';
import type { IngestBatchProcessor } from '../ingest-batch.processor';
import type { IngestHandlerRegistry } from '../ingest-handler.registry';
import { IngestMessages } from '../ingest.messages';
import { OutageLog } from '../../../lib/outage/outage.log';
import { storageOutageOf } from '../../storage/storage-outage.monitor';
import { WORKER_BLOCK_MS } from './redis-ingest.worker';
import type { RedisQueueKeys } from './redis-queue.keys';
import { RedisIngestWorker } from './redis-ingest.worker';
import {
  HEARTBEAT_INTERVAL_MS,
  clearHeartbeat,
  writeHeartbeat,
  type WorkerStatus,
} from './worker-heartbeat';

const DATABASE_PING_TIMEOUT_MS = 2_000;

/**
 * The queue workers of this process: `concurrency` loops over the configured kinds, each with
 * its own Redis connection, and one heartbeat for the process. Started when the application has
 * bootstrapped (every handler registered), stopped before shutdown: each loop finishes and
 * acknowledges the batch in hand.
 */
export class RedisIngestWorkers {
  private readonly logger = new Logger('Ingest');
  private readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly loops: { worker: RedisIngestWorker; client: Redis; done: Promise<void> }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private written = 0;
  private writtenAtLastBeat = 0;
  private lastBeatAt = Date.now();
  private readonly startedAt = new Date().toISOString();
  private kinds: string[] = [];

  constructor(
    private readonly options: ResolvedReceiverOptions,
    private readonly redis: Redis,
    private readonly keys: RedisQueueKeys,
    private readonly registry: IngestHandlerRegistry,
    private readonly processor: IngestBatchProcessor,
    private readonly dataSource: DataSource,
  ) {}

  start(): void {
    const { redisQueue } = this.options;
    const known = this.registry.kinds();
    const unknown = redisQueue.kinds.filter((kind) => !known.includes(kind));
    if (unknown.length > 0) throw new Error(IngestMessages.unknownKinds(unknown, known));
    this.kinds = redisQueue.kinds.length > 0 ? redisQueue.kinds : known;
    const redisOutage = new OutageLog(
      this.logger,
      IngestMessages.workersAway,
      IngestMessages.workersBack,
    );
    // The guards on the data source report every failed and successful write to the same
    // monitor: a second log of our own would say the same outage twice.
    const storageOutage = storageOutageOf(this.dataSource);
    for (let n = 0; n < redisQueue.concurrency; n++) {
      const client = createRedisClient(this.options.redis!, {
        // A blocking read holds the connection up to BLOCK_MS: the timeout counts from its end.
        commandTimeout: WORKER_BLOCK_MS + this.options.redisCommandTimeoutMs,
        connectionName: `ingest-worker:${this.id}/${n}`,
      });
      const worker = new RedisIngestWorker(`${this.id}/${n}`, {
        client,
        keys: this.keys,
        kinds: this.kinds,
        processor: this.processor,
        options: redisQueue,
        databaseAnswers: () => this.databaseAnswers(),
        redisOutage,
        storageOutage,
        written: (count) => (this.written += count),
      });
      this.loops.push({ worker, client, done: worker.run() });
    }
    this.logger.log(IngestMessages.workersStarted(this.id, redisQueue.concurrency, this.kinds));
    void this.beat();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const loop of this.loops) loop.worker.stop();
    await Promise.all(this.loops.map((loop) => loop.done));
    for (const loop of this.loops) loop.client.disconnect();
    if (this.loops.length > 0) {
      await clearHeartbeat(this.redis, this.keys, this.id).catch(() => undefined);
      this.logger.log(IngestMessages.workersStopped(this.id, this.written));
    }
    this.loops.length = 0;
  }

  private async beat(): Promise<void> {
    const now = Date.now();
    const seconds = Math.max(0.001, (now - this.lastBeatAt) / 1000);
    const status: WorkerStatus = {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      kinds: this.kinds,
      concurrency: this.options.redisQueue.concurrency,
      startedAt: this.startedAt,
      lastHeartbeat: new Date(now).toISOString(),
      eventsPerSecond: Math.round(((this.written - this.writtenAtLastBeat) / seconds) * 10) / 10,
      written: this.written,
    };
    this.writtenAtLastBeat = this.written;
    this.lastBeatAt = now;
    // A missed beat while Redis is away is harmless: the loops report the outage.
    await writeHeartbeat(this.redis, this.keys, status).catch(() => undefined);
  }

  private async databaseAnswers(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), DATABASE_PING_TIMEOUT_MS);
        }),
      ]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
