import { Logger } from '@nestjs/common';
import { newEventId } from './event-id';
import { IngestBatchProcessor } from './ingest-batch.processor';
import {
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_MAX_BATCH_SIZE,
  DEFAULT_MAX_PENDING,
} from './ingest.constants';
import { IngestUnavailableError } from './ingest.errors';
import { IngestMessages } from './ingest.messages';
import {
  InlineIngestOptions,
  IngestJob,
  IngestQueue,
  IngestQueueHealth,
} from './interfaces/ingest.interfaces';

interface Waiting {
  job: IngestJob;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * The embedded queue: group commit inside the receiver process. Jobs wait a few milliseconds (or
 * until the batch is full), then the whole batch is written in one transaction and every request
 * of the batch is answered. A job's promise resolves only after its transaction committed, so a
 * 202 is never given for an event that a crash could still lose. One batch is written at a time;
 * jobs arriving meanwhile form the next batch.
 */
export class InlineIngestQueue implements IngestQueue {
  readonly name = 'inline';
  private readonly logger = new Logger('Ingest');
  private readonly flushIntervalMs: number;
  private readonly maxBatchSize: number;
  private readonly maxPending: number;
  private pending: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private closed = false;
  private lastFailure: string | undefined;

  constructor(
    private readonly processor: IngestBatchProcessor,
    options: InlineIngestOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    this.maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    this.maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
  }

  enqueue<P>(kind: string, payload: P): Promise<void> {
    if (this.closed) return Promise.reject(new IngestUnavailableError(IngestMessages.closed));
    if (this.pending.length >= this.maxPending) {
      return Promise.reject(new IngestUnavailableError(IngestMessages.full(this.maxPending)));
    }
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ job: { id: newEventId(), kind, payload }, resolve, reject });
      this.schedule();
    });
  }

  health(): IngestQueueHealth {
    const pending = this.pending.length;
    if (this.lastFailure) {
      return { status: 'fail', message: IngestMessages.storageDown(this.lastFailure), pending };
    }
    return { status: 'ok', message: IngestMessages.healthy(this.name, pending), pending };
  }

  async drain(): Promise<void> {
    this.closed = true;
    let written = 0;
    while (this.writing || this.pending.length > 0) {
      written += this.pending.length;
      if (this.writing) await this.writing;
      else this.flush();
    }
    if (written > 0) this.logger.log(IngestMessages.drained(written));
  }

  private schedule(): void {
    if (this.writing) return; // the running batch starts the next one when it finishes
    if (this.pending.length >= this.maxBatchSize) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushIntervalMs);
    }
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writing || this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.maxBatchSize);
    this.writing = this.write(batch).finally(() => {
      this.writing = undefined;
      // Jobs that arrived during the write already waited at least one write: go now.
      if (this.pending.length > 0) this.flush();
    });
  }

  private async write(batch: Waiting[]): Promise<void> {
    let results: (Error | undefined)[];
    try {
      results = await this.processor.process(batch.map((w) => w.job));
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      results = batch.map(() => failure);
    }
    let failures = 0;
    results.forEach((error, index) => {
      if (error) {
        failures++;
        batch[index].reject(new IngestUnavailableError(error.message, error));
      } else {
        batch[index].resolve();
      }
    });
    this.lastFailure = failures === batch.length ? results[0]?.message : undefined;
  }
}
