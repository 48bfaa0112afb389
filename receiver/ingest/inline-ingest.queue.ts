import { Logger } from '@nestjs/common';
import { newEventId } from './event-id';
import { IngestBatchProcessor } from './ingest-batch.processor';
import {
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_MAX_BATCH_SIZE,
  DEFAULT_MAX_PENDING,
} from './ingest.constants';
import { IngestRejectedError, IngestUnavailableError } from './ingest.errors';
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
 * The embedded queue: group commit inside the receiver process, the way databases do it (leader
 * and followers). The first event finding the writer idle is written at once — after the current
 * event-loop turn, so requests parsed in the same turn join it; events arriving while a batch is
 * being written wait for it and form the next batch, written as soon as the writer is free. Under
 * load batches grow by themselves; at low load nobody waits for a timer. A job's promise resolves
 * only after its transaction committed, so a 202 is never given for an event a crash could still
 * lose. `flushIntervalMs` adds a wait for company before a batch starts (off by default).
 */
export class InlineIngestQueue implements IngestQueue {
  readonly name = 'inline';
  private readonly logger = new Logger('Ingest');
  private readonly flushIntervalMs: number;
  private readonly maxBatchSize: number;
  private readonly maxPending: number;
  private pending: Waiting[] = [];
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
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
    return this.enqueueJob({ id: newEventId(), kind, payload });
  }

  /**
   * Commits a job that already has its id: the Redis queue's fallback keeps the id it gave the
   * event, so a copy Redis kept after all is recognised when a worker writes it.
   */
  enqueueJob(job: IngestJob): Promise<void> {
    if (this.closed) return Promise.reject(new IngestUnavailableError(IngestMessages.closed));
    if (this.pending.length >= this.maxPending) {
      return Promise.reject(new IngestUnavailableError(IngestMessages.full(this.maxPending)));
    }
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ job, resolve, reject });
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
      this.timer =
        this.flushIntervalMs > 0
          ? setTimeout(() => this.flush(), this.flushIntervalMs)
          : setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
    }
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
    let outage: Error | undefined;
    results.forEach((error, index) => {
      if (!error) batch[index].resolve();
      else if (error instanceof IngestRejectedError) batch[index].reject(error);
      else {
        outage = error;
        batch[index].reject(new IngestUnavailableError(error.message, error));
      }
    });
    // An event rejected alone is no outage: health turns only on storage failures.
    this.lastFailure = outage?.message;
    if (outage) this.refuseWaiting(outage);
  }

  /**
   * The database just failed a whole batch: the events that waited for it are refused with it
   * instead of forming the next batches. With a hung database each batch takes the full query
   * timeout, so the last of thousands waiting (500 a batch) heard its 503 only after minutes;
   * now no request waits longer than the write in progress and its own (their clients retry).
   */
  private refuseWaiting(outage: Error): void {
    for (const waiting of this.pending.splice(0)) {
      waiting.reject(new IngestUnavailableError(outage.message, outage));
    }
  }
}
