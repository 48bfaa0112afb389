import type { OutageLog } from '../outage/outage.log';
import type { OutboxEntry, TelemetryStore } from './interfaces/telemetry-store.interface';

/**
 * @internal
 * An outbox's backlog as its sender sees it, with the entries the receiver accepted whose removal
 * the store could not write (a full disk, Redis away). Their ids are kept in memory — left out of
 * {@link pending} and {@link size}, written with the next acknowledgement — and the failure is
 * thrown: sending them again on every tick meanwhile would store them again at every receiver
 * without deduplication (a Laravel-era telemetry receiver; a Micrologs one, which does not
 * deduplicate error reports or audit entries sent by a backend). A restart before
 * the store recovers sends them once more: delivery stays at least once. One piece for both
 * outboxes (telemetry and errors), each with its own instance, store and fault log.
 */
export class UnsavedAcknowledgements {
  /** Ids the receiver accepted whose removal the store has not written yet. */
  private readonly unsaved = new Set<number>();

  constructor(
    private readonly store: TelemetryStore,
    private readonly faults: OutageLog,
  ) {}

  /** The oldest entries still to send, without those accepted whose acknowledgement is unsaved. */
  async pending(limit: number): Promise<OutboxEntry[]> {
    if (this.unsaved.size > 0) await this.save().catch(() => undefined);
    const entries = await this.store.pending(limit + this.unsaved.size);
    return entries.filter((entry) => !this.unsaved.has(entry.id)).slice(0, limit);
  }

  /** Removes entries the receiver accepted; throws (keeping their ids) when the store cannot. */
  async acknowledge(ids: number[]): Promise<void> {
    for (const id of ids) this.unsaved.add(id);
    await this.save();
  }

  /** Entries still to send. */
  async size(): Promise<number> {
    return Math.max(0, (await this.store.size()) - this.unsaved.size);
  }

  private async save(): Promise<void> {
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
