import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { INGEST_QUEUE } from './ingest.constants';
import { IngestQueue } from './interfaces/ingest.interfaces';

/**
 * Drains the queue when the application shuts down (SIGTERM with `enableShutdownHooks()`, or
 * `app.close()`), before the data source is closed, so every accepted event is written.
 */
@Injectable()
export class IngestLifecycle implements BeforeApplicationShutdown {
  constructor(@Inject(INGEST_QUEUE) private readonly queue: IngestQueue) {}

  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.drain();
  }
}
