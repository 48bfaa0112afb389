import type { HealthCheckResult, ReceiverHealthIndicator } from '../health';
import type { IngestQueue } from './interfaces/ingest.interfaces';

/**
 * The `queue` health check: `fail` with the database error while batches cannot be written
 * (tracking then answers 503), otherwise `ok` with the implementation and its backlog.
 */
export class QueueHealthIndicator implements ReceiverHealthIndicator {
  readonly name = 'queue';

  constructor(private readonly queue: IngestQueue) {}

  async check(): Promise<HealthCheckResult> {
    const { status, message, pending } = this.queue.health();
    return { status, message, driver: this.queue.name, pending };
  }
}
