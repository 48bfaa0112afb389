import { Injectable } from '@nestjs/common';

/** Jobs of one kind in a batch write: how many were written and how many failed. */
export interface IngestKindFigures {
  stored: number;
  failed: number;
}

/** What one batch write reports: figures per job kind and its duration. */
export interface IngestBatchFigures {
  kinds: ReadonlyMap<string, IngestKindFigures>;
  seconds: number;
}

/** Receives the receiver's figures as they happen (the Prometheus exporter is one). */
export interface ReceiverStatsListener {
  /** An event was accepted (its queue kept it; the endpoint answers 2xx). */
  accepted?(kind: string): void;
  /** A batch was written to the database (or failed). */
  batchWritten?(figures: IngestBatchFigures): void;
  /** An analytics answer was looked up in the cache. */
  cacheLookup?(hit: boolean): void;
}

/**
 * Where the ingest path and the analytics responder report what they do, and where exporters
 * listen. Without a listener (metrics off) a report is a loop over an empty list, so the hot
 * paths pay nothing; the exporter, not the reporters, depends on `prom-client`.
 */
@Injectable()
export class ReceiverStats {
  private listeners: ReceiverStatsListener[] = [];

  /** Adds a listener; returns the function that removes it. */
  listen(listener: ReceiverStatsListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  accepted(kind: string): void {
    for (const listener of this.listeners) listener.accepted?.(kind);
  }

  batchWritten(figures: IngestBatchFigures): void {
    for (const listener of this.listeners) listener.batchWritten?.(figures);
  }

  cacheLookup(hit: boolean): void {
    for (const listener of this.listeners) listener.cacheLookup?.(hit);
  }
}
