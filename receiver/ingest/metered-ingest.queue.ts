import type { ReceiverStats } from '../common/stats/receiver-stats';
import type { IngestQueue } from './interfaces/ingest.interfaces';

/**
 * The queue as the endpoints see it, reporting each accepted job to {@link ReceiverStats}. A proxy
 * rather than a wrapper class: whatever else a queue offers (a plugged one, the Redis queue's
 * workers) stays reachable unchanged.
 */
export function meteredIngestQueue(queue: IngestQueue, stats: ReceiverStats): IngestQueue {
  const enqueue = async <P>(kind: string, payload: P): Promise<void> => {
    await queue.enqueue(kind, payload);
    stats.accepted(kind);
  };
  return new Proxy(queue, {
    get(target, property) {
      if (property === 'enqueue') return enqueue;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
