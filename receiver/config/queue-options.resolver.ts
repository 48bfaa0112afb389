import type { EnvReader } from '../../lib/protocol';
import type { IngestBatchWriter, IngestQueue } from './receiver-extensions.interface';
import type {
  IngestQueueDriver,
  ReceiverModuleOptions,
  RedisQueueOptions,
  ResolvedRedisQueueOptions,
} from './receiver-options.interface';
import { ReceiverMessages } from './receiver-options.messages';

const QUEUE_DRIVERS: readonly IngestQueueDriver[] = ['inline', 'redis'];
const QUEUE_EXPECTED = '"inline", "redis" or a function (writer) => IngestQueue';

/** Longest takeover delay accepted: a killed worker's events wait at most this long. */
const MAX_CLAIM_IDLE_MS = 30_000;

/** The ingest queue options after defaults and environment. */
export interface ResolvedQueueOptions {
  /** The built-in queue in use (`inline` also when the host plugged its own, see `ingestQueue`). */
  queue: IngestQueueDriver;
  /** The host application's ingest queue factory, if it plugged one. */
  ingestQueue: ((writer: IngestBatchWriter) => IngestQueue) | undefined;
  redisQueue: ResolvedRedisQueueOptions;
}

/** `ingest.queue` and `ingest.redis` from the options over `RECEIVER_QUEUE*`, with defaults. */
export function resolveQueueOptions(
  e: EnvReader,
  options: ReceiverModuleOptions,
  redis: string | undefined,
): ResolvedQueueOptions {
  const given = options.ingest?.queue;
  const plugged = typeof given === 'function' ? given : undefined;
  if (given !== undefined && !plugged && typeof given !== 'string') {
    e.fail('ingest.queue', undefined, given, QUEUE_EXPECTED);
  }
  const queue = plugged
    ? 'inline'
    : (e.oneOf('ingest.queue', 'RECEIVER_QUEUE', QUEUE_DRIVERS, given) ?? 'inline');
  // Without Redis the queue could only answer 503: refuse the start instead.
  if (queue === 'redis' && !redis) throw new Error(ReceiverMessages.redisQueueWithoutRedis);
  return {
    queue,
    ingestQueue: plugged,
    redisQueue: resolveRedisQueue(e, options.ingest?.redis ?? {}),
  };
}

function resolveRedisQueue(e: EnvReader, given: RedisQueueOptions): ResolvedRedisQueueOptions {
  return {
    workers: e.boolean('ingest.redis.workers', 'RECEIVER_QUEUE_WORKERS', given.workers) ?? true,
    concurrency:
      e.integer(
        'ingest.redis.concurrency',
        'RECEIVER_QUEUE_CONCURRENCY',
        { min: 1, max: 64 },
        given.concurrency,
      ) ?? 1,
    kinds: e.list('ingest.redis.kinds', 'RECEIVER_QUEUE_KINDS', given.kinds) ?? [],
    batchSize:
      e.integer(
        'ingest.redis.batchSize',
        'RECEIVER_QUEUE_BATCH_SIZE',
        { min: 1, max: 10_000 },
        given.batchSize,
      ) ?? 500,
    maxBacklog:
      e.integer(
        'ingest.redis.maxBacklog',
        'RECEIVER_QUEUE_MAX_BACKLOG',
        { min: 1 },
        given.maxBacklog,
      ) ?? 1_000_000,
    maxAttempts:
      e.integer(
        'ingest.redis.maxAttempts',
        'RECEIVER_QUEUE_MAX_ATTEMPTS',
        { min: 1, max: 100 },
        given.maxAttempts,
      ) ?? 5,
    claimIdleMs:
      e.integer(
        'ingest.redis.claimIdleMs',
        'RECEIVER_QUEUE_CLAIM_IDLE_MS',
        { min: 1_000, max: MAX_CLAIM_IDLE_MS },
        given.claimIdleMs,
      ) ?? 15_000,
    expectedWorkers:
      e.integer(
        'ingest.redis.expectedWorkers',
        'RECEIVER_QUEUE_EXPECTED_WORKERS',
        { min: 0, max: 1_000 },
        given.expectedWorkers,
      ) ?? 1,
  };
}
