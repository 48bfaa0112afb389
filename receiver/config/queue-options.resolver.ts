import type { EnvReader } from '../../lib/protocol';
import type {
  IngestQueueDriver,
  ReceiverModuleOptions,
  ResolvedRedisQueueOptions,
} from './receiver-options.interface';
import { ReceiverMessages } from './receiver-options.messages';

const QUEUE_DRIVERS: readonly IngestQueueDriver[] = ['inline', 'redis'];

/** Longest takeover delay accepted: a killed worker's events wait at most this long. */
const MAX_CLAIM_IDLE_MS = 30_000;

/** `queue` and `redisQueue` from the options over `RECEIVER_QUEUE*`, with their defaults. */
export function resolveQueueOptions(
  e: EnvReader,
  options: ReceiverModuleOptions,
  redis: string | undefined,
): { queue: IngestQueueDriver; redisQueue: ResolvedRedisQueueOptions } {
  const queue = e.oneOf('queue', 'RECEIVER_QUEUE', QUEUE_DRIVERS, options.queue) ?? 'inline';
  // Without Redis the queue could only answer 503: refuse the start instead.
  if (queue === 'redis' && !redis) throw new Error(ReceiverMessages.redisQueueWithoutRedis);
  const given = options.redisQueue ?? {};
  return {
    queue,
    redisQueue: {
      workers: e.boolean('redisQueue.workers', 'RECEIVER_QUEUE_WORKERS', given.workers) ?? true,
      concurrency:
        e.integer(
          'redisQueue.concurrency',
          'RECEIVER_QUEUE_CONCURRENCY',
          { min: 1, max: 64 },
          given.concurrency,
        ) ?? 1,
      kinds: e.list('redisQueue.kinds', 'RECEIVER_QUEUE_KINDS', given.kinds) ?? [],
      batchSize:
        e.integer(
          'redisQueue.batchSize',
          'RECEIVER_QUEUE_BATCH_SIZE',
          { min: 1, max: 10_000 },
          given.batchSize,
        ) ?? 500,
      maxBacklog:
        e.integer(
          'redisQueue.maxBacklog',
          'RECEIVER_QUEUE_MAX_BACKLOG',
          { min: 1 },
          given.maxBacklog,
        ) ?? 1_000_000,
      maxAttempts:
        e.integer(
          'redisQueue.maxAttempts',
          'RECEIVER_QUEUE_MAX_ATTEMPTS',
          { min: 1, max: 100 },
          given.maxAttempts,
        ) ?? 5,
      claimIdleMs:
        e.integer(
          'redisQueue.claimIdleMs',
          'RECEIVER_QUEUE_CLAIM_IDLE_MS',
          { min: 1_000, max: MAX_CLAIM_IDLE_MS },
          given.claimIdleMs,
        ) ?? 15_000,
      expectedWorkers:
        e.integer(
          'redisQueue.expectedWorkers',
          'RECEIVER_QUEUE_EXPECTED_WORKERS',
          { min: 0, max: 1_000 },
          given.expectedWorkers,
        ) ?? 1,
    },
  };
}
