import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { isStorageFault } from './storage-fault';

const StorageOutageMessages = {
  started: (operation: StorageOperation, reason: string): string =>
    operation === 'checkpoints'
      ? `Storage failing: WAL checkpoint failed with ${reason} (commits pile up in the WAL until a checkpoint succeeds)`
      : `Storage unavailable: ${reason} (until it recovers, ingest answers 503 with Retry-After and queue workers hold their batches)`,
  ended: (seconds: number): string => `Storage available again after ${seconds.toFixed(1)} s`,
} as const;

/** How often a down PostgreSQL/MySQL is probed, and how long one probe may take. */
const PROBE_INTERVAL_MS = 1_000;
const PROBE_TIMEOUT_MS = 1_000;

/** What health and the 503 answers say about a current outage. */
export interface StorageOutageState {
  since: Date;
  reason: string;
  /** The operation whose failure started the outage. */
  operation: StorageOperation;
}

/**
 * What failed: the writes of requests and jobs, or (SQLite) the WAL checkpoints that copy
 * committed pages into the database file off the event loop. Each recovers only by its own
 * evidence: a commit that lands in the WAL says nothing about a checkpoint that cannot write the
 * database file on a full disk.
 */
export type StorageOperation = 'writes' | 'checkpoints';

/**
 * The one place that knows whether the receiver's database is failing. Every storage fault
 * (see {@link isStorageFault}) reported while it is up starts an outage and logs ONE line; the
 * first successful write, or (PostgreSQL, MySQL) a probe that reaches the server again, ends it
 * with ONE line. Requests in between are answered 503 without a log line each. SQLite is not
 * probed: `SELECT 1` works on a full disk, so only a committed write proves recovery there, and
 * only a completed checkpoint ends a checkpoint failure: the outage lasts while either fails
 * (still one line when it starts, one when the last failing operation recovers).
 */
export class StorageOutageMonitor {
  private state: StorageOutageState | undefined;
  private readonly failing = new Set<StorageOperation>();
  private probe: NodeJS.Timeout | undefined;
  private readonly logger = new Logger('ReceiverStorage');

  constructor(private readonly dataSource: DataSource) {}

  /** The current outage, if any. */
  get current(): StorageOutageState | undefined {
    return this.state;
  }

  /** Records a failed operation; returns whether it was a storage fault (and so a 503). */
  failed(error: unknown, operation: StorageOperation = 'writes'): boolean {
    if (!isStorageFault(error)) return false;
    this.failing.add(operation);
    if (!this.state) {
      const reason = describe(error);
      this.state = { since: new Date(), reason, operation };
      this.logger.error(StorageOutageMessages.started(operation, reason));
      this.startProbing();
    }
    return true;
  }

  /** Records an operation that reached the database and succeeded. */
  succeeded(operation: StorageOperation = 'writes'): void {
    if (!this.state) return;
    this.failing.delete(operation);
    if (this.failing.size > 0) return;
    const seconds = (Date.now() - this.state.since.getTime()) / 1000;
    this.state = undefined;
    this.stopProbing();
    this.logger.log(StorageOutageMessages.ended(seconds));
  }

  /** Stops probing (the data source is closing). */
  close(): void {
    this.stopProbing();
  }

  private startProbing(): void {
    if (this.dataSource.options.type === 'better-sqlite3' || this.probe) return;
    this.probe = setInterval(() => void this.runProbe(), PROBE_INTERVAL_MS);
    this.probe.unref();
  }

  private stopProbing(): void {
    if (this.probe) clearInterval(this.probe);
    this.probe = undefined;
  }

  private async runProbe(): Promise<void> {
    if (!this.dataSource.isInitialized) return this.stopProbing();
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), PROBE_TIMEOUT_MS);
      this.succeeded();
    } catch {
      // still down: the outage line was already logged
    }
  }
}

const monitors = new WeakMap<DataSource, StorageOutageMonitor>();

/** The outage monitor of a data source (one per data source, created on first use). */
export function storageOutageOf(dataSource: DataSource): StorageOutageMonitor {
  let monitor = monitors.get(dataSource);
  if (!monitor) {
    monitor = new StorageOutageMonitor(dataSource);
    monitors.set(dataSource, monitor);
  }
  return monitor;
}

/** Rejects with a `STORAGE_TIMEOUT` error (a storage fault) when `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(Object.assign(new Error(`no answer within ${ms} ms`), { code: 'STORAGE_TIMEOUT' })),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
