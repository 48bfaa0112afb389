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
import { UnsavedAcknowledgements } from './unsaved-acknowledgements';

/**
 * The outbox as the rest of the client uses it: the configured store plus the overflow warning,
 * logged once per overflow episode rather than on every append, and store failures, logged once
 * when they start and once when a write works again.
 */
@Injectable()
export class TelemetryOutbox {
  private readonly logger = new Logger('Telemetry');
  private overflowing = false;
  /** Store failures of the outbox, its reporter and its collectors: one line each way. */
  readonly faults = storeFaultLog(this.logger);
  private readonly acknowledgements: UnsavedAcknowledgements;

  constructor(
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
  ) {
    this.acknowledgements = new UnsavedAcknowledgements(store, this.faults);
  }

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
  pending(limit = this.options.maxOutboxEntries): Promise<OutboxEntry[]> {
    return this.acknowledgements.pending(limit);
  }

  /**
   * Removes entries the receiver accepted; when the store cannot write that, their ids wait in
   * memory and are not sent again (see {@link UnsavedAcknowledgements}).
   */
  acknowledge(ids: number[]): Promise<void> {
    return this.acknowledgements.acknowledge(ids);
  }

  size(): Promise<number> {
    return this.acknowledgements.size();
  }
}

export const errorText = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
