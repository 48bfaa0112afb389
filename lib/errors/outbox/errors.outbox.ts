import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ResolvedTelemetryOptions } from '../../options/resolved-telemetry-options.interface';
import type {
  OutboxEntry,
  TelemetryStore,
} from '../../outbox/interfaces/telemetry-store.interface';
import { storeFaultLog } from '../../outbox/store-fault-log';
import { UnsavedAcknowledgements } from '../../outbox/unsaved-acknowledgements';
import { TELEMETRY_OPTIONS } from '../../telemetry.constants';
import { TelemetryMessages } from '../../telemetry.messages';
import { MICROLOGS_ENTRIES, TELEMETRY_ERROR_STORE } from '../errors.constants';

/** The kinds of entries the errors outbox holds. */
export type MicrologsEntryKind = keyof typeof MICROLOGS_ENTRIES;

/**
 * The durable outbox of error reports and audit entries: a store of its own (never the telemetry
 * outbox, whose reporter sends everything it holds to the telemetry endpoint). Appends resolve once
 * the entry is stored (for the file store: synced to disk); failures are logged, never thrown.
 */
@Injectable()
export class ErrorsOutbox {
  private readonly logger = new Logger('TelemetryErrors');
  private readonly writing = new Set<Promise<unknown>>();
  private readonly listeners: Array<() => void> = [];
  private overflowing = false;
  /** Store failures of this outbox and its sender: one line when they start, one when they end. */
  readonly faults = storeFaultLog(this.logger);
  private readonly acknowledgements: UnsavedAcknowledgements | null;

  constructor(
    @Inject(TELEMETRY_ERROR_STORE) readonly store: TelemetryStore | null,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
  ) {
    this.acknowledgements = store && new UnsavedAcknowledgements(store, this.faults);
  }

  /** Calls `listener` after every stored entry (the sender uses it to send soon). */
  onAdded(listener: () => void): void {
    this.listeners.push(listener);
  }

  add(kind: MicrologsEntryKind, value: object): Promise<boolean> {
    if (!this.store) return Promise.resolve(false);
    const write = this.append(this.store, kind, value);
    this.writing.add(write);
    void write.finally(() => this.writing.delete(write));
    return write;
  }

  /** The oldest entries still to send, without those accepted whose acknowledgement is unsaved. */
  async pending(limit: number): Promise<OutboxEntry[]> {
    return (await this.acknowledgements?.pending(limit)) ?? [];
  }

  /**
   * Removes entries the receiver accepted; when the store cannot write that, their ids wait in
   * memory and are not sent again (see {@link UnsavedAcknowledgements}).
   */
  async acknowledge(ids: number[]): Promise<void> {
    await this.acknowledgements?.acknowledge(ids);
  }

  /** Entries still to send (none without a store). */
  async size(): Promise<number> {
    return (await this.acknowledgements?.size()) ?? 0;
  }

  /** Resolves when every append started so far has settled. */
  async settled(): Promise<void> {
    await Promise.all([...this.writing]);
  }

  private async append(store: TelemetryStore, kind: MicrologsEntryKind, value: object) {
    try {
      const dropped = await store.append([
        {
          key: MICROLOGS_ENTRIES[kind].key,
          value,
          collectedAt: new Date().toISOString(),
          host: this.options.host,
        },
      ]);
      if (dropped > 0 && !this.overflowing) {
        this.logger.warn(TelemetryMessages.outboxOverflow(this.options.maxOutboxEntries));
      }
      this.overflowing = dropped > 0;
      this.faults.up();
    } catch (error) {
      this.faults.down(error, { during: 'append', lost: 1 });
      return false;
    }
    for (const listener of this.listeners) listener();
    return true;
  }
}
