import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { TELEMETRY_OPTIONS, TELEMETRY_STORE } from '../telemetry.constants';
import { TelemetryMessages } from '../telemetry.messages';
import type {
  OutboxEntry,
  OutboxEntryInput,
  TelemetryStore,
} from './interfaces/telemetry-store.interface';
import { storeFaultLog } from './store-fault-log';

/**
 * The outbox as the rest of the client uses it: the configured store plus the overflow warning,
 * logged once per overflow episode rather than on every append, and store failures, logged once
 * when they start and once when a write works again.
 */
@Injectable()
export class TelemetryOutbox {
  private readonly logger = new Logger('Telemetry');
  private overflowing = false;
  /** Ids the receiver accepted whose removal the store has not written yet. */
  private readonly unsaved = new Set<number>();
  /** Store failures of the outbox, its reporter and its collectors: one line each way. */
  readonly faults = storeFaultLog(this.logger);

  constructor(
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
  ) {}

  /** Appends entries; store failures are logged and reported as `false`, never thrown. */
  async add(entries: OutboxEntryInput[]): Promise<boolean> {
    if (entries.length === 0) return true;
    try {
      const dropped = await this.store.append(entries);
      if (dropped > 0 && !this.overflowing) {
        this.logger.warn(TelemetryMessages.outboxOverflow(this.options.maxOutboxEntries));
      }
      this.overflowing = dropped > 0;
      this.faults.up();
      return true;
    } catch (error) {
      this.faults.down(error, { during: 'append', lost: entries.length });
      return false;
    }
  }

  /** The oldest entries still to send, without those accepted whose acknowledgement is unsaved. */
  async pending(limit = this.options.maxOutboxEntries): Promise<OutboxEntry[]> {
    if (this.unsaved.size > 0) await this.saveAcknowledgements().catch(() => undefined);
    const entries = await this.store.pending(limit + this.unsaved.size);
    return entries.filter((entry) => !this.unsaved.has(entry.id)).slice(0, limit);
  }

  /**
   * Removes entries the receiver accepted. When the store cannot write that (a full disk, Redis
   * away), the ids are kept in memory — left out of {@link pending}, written with the next
   * acknowledgement — and the failure is thrown: sending them again on every tick meanwhile would
   * store them again at every receiver without ReceiverModule's idempotency (a Laravel-era one).
   * A restart before the store recovers sends them once more: delivery stays at least once.
   */
  async acknowledge(ids: number[]): Promise<void> {
    for (const id of ids) this.unsaved.add(id);
    await this.saveAcknowledgements();
  }

  async size(): Promise<number> {
    return Math.max(0, (await this.store.size()) - this.unsaved.size);
  }

  private async saveAcknowledgements(): Promise<void> {
    const ids = [...this.unsaved];
    try {
      await this.store.acknowledge(ids);
    } catch (error) {
      this.faults.down(error, { during: 'acknowledge' });
      throw error;
    }
    for (const id of ids) this.unsaved.delete(id);
    this.faults.up();
  }
}

export const errorText = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
