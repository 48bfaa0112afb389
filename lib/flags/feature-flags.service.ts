import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { errorText } from '../outbox/telemetry-outbox.service';
import type { TelemetryStore } from '../outbox/interfaces/telemetry-store.interface';
import { TelemetryResponseHandler } from '../responses/decorators/telemetry-response-handler.decorator';
import { FEATURE_FLAGS_KEY } from '../protocol';
import { TELEMETRY_STORE } from '../telemetry.constants';
import {
  FALSY_FLAG_STRINGS,
  FEATURE_FLAGS_STORE_KEY,
  TRUTHY_FLAG_STRINGS,
} from './flags.constants';
import { flagOf, frozenFlagSet, readFlagSet } from './flag-set.reader';
import { FlagsMessages } from './flags.messages';
import {
  FeatureFlagChange,
  FeatureFlags,
  FeatureFlagsChange,
  FeatureFlagsSource,
  FeatureFlagValue,
  PersistedFeatureFlags,
} from './interfaces/feature-flags.interface';

/**
 * The feature flags the central server decided for this host. Reads are synchronous and never
 * fail: an unknown flag answers the caller's default. The last known flags are persisted in the
 * telemetry store and loaded at start, so an app that boots while the server is down still has
 * yesterday's flags.
 */
@Injectable()
export class FeatureFlagsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('TelemetryFlags');
  private readonly changesSubject = new Subject<FeatureFlagsChange>();
  private flags: FeatureFlags = Object.freeze({});
  private currentEtag?: string;
  private invalidWarned = false;

  /** Emits every time a new set of flags changes at least one value. */
  readonly changes$: Observable<FeatureFlagsChange> = this.changesSubject.asObservable();

  /** @internal Nest creates this service; its dependencies are the package's own. */
  constructor(@Inject(TELEMETRY_STORE) private readonly store: TelemetryStore) {}

  async onModuleInit(): Promise<void> {
    try {
      const saved = await this.store.getValue<PersistedFeatureFlags>(FEATURE_FLAGS_STORE_KEY);
      const persisted = readFlagSet(saved?.flags);
      if (saved && persisted) {
        this.replace(persisted, 'store');
        this.currentEtag = saved.etag;
        this.logger.log(FlagsMessages.loaded(Object.keys(persisted).length, saved.receivedAt));
      }
    } catch (error) {
      this.logger.warn(FlagsMessages.loadFailed(errorText(error)));
    }
  }

  onModuleDestroy(): void {
    this.changesSubject.complete();
  }

  /**
   * Whether the flag is on. Booleans are read as they are, numbers as "not zero", and the strings
   * `true/1/on/yes/enabled` and `false/0/off/no/disabled`; an unknown flag or any other value gives
   * `defaultValue`.
   */
  isEnabled(name: string, defaultValue = false): boolean {
    const value = flagOf(this.flags, name);
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number') return value !== 0;
    if (typeof value === 'string') {
      const text = value.trim().toLowerCase();
      if (TRUTHY_FLAG_STRINGS.includes(text)) return true;
      if (FALSY_FLAG_STRINGS.includes(text)) return false;
    }
    return defaultValue;
  }

  /** The flag's value, or `defaultValue` when the server sent none (or `null`). */
  getValue<T = FeatureFlagValue>(name: string, defaultValue: T): T {
    const value = flagOf(this.flags, name);
    return value === undefined || value === null ? defaultValue : (value as T);
  }

  /** Every known flag (a frozen snapshot). */
  getAll(): FeatureFlags {
    return this.flags;
  }

  /** @internal ETag of the flags endpoint's last answer, for `If-None-Match`. */
  get etag(): string | undefined {
    return this.currentEtag;
  }

  /** @internal Flags that arrive with a report answer (`{"feature_flags": {...}}`). */
  @TelemetryResponseHandler(FEATURE_FLAGS_KEY)
  async onReportAnswer(value: unknown): Promise<void> {
    await this.apply(value, 'report');
  }

  /**
   * Takes a complete set of flags from the server, persists it and announces what changed. The set
   * replaces the previous one: a flag the server no longer sends is gone. Returns the changes.
   *
   * @internal The poller, the report answers and the synchronizer feed it.
   */
  async apply(
    value: unknown,
    source: FeatureFlagsSource,
    etag?: string,
  ): Promise<FeatureFlagChange[]> {
    const flags = readFlagSet(value);
    if (!flags) {
      // A server may send the same thing in every answer (`"feature_flags": null` when a host
      // has none): said once until a valid set arrives, not on every report tick.
      if (!this.invalidWarned) this.logger.warn(FlagsMessages.notAnObject(source));
      this.invalidWarned = true;
      return [];
    }
    this.invalidWarned = false;
    const changes = this.replace(flags, source);
    // Flags that came with a report have no ETag; an old one would now describe a stale set.
    if (etag !== undefined || changes.length > 0) this.currentEtag = etag;
    const document: PersistedFeatureFlags = {
      flags: { ...this.flags },
      etag: this.currentEtag,
      receivedAt: new Date().toISOString(),
    };
    try {
      await this.store.setValue(FEATURE_FLAGS_STORE_KEY, document);
    } catch (error) {
      this.logger.warn(FlagsMessages.persistFailed(errorText(error)));
    }
    return changes;
  }

  private replace(
    next: Record<string, FeatureFlagValue>,
    source: FeatureFlagsSource,
  ): FeatureFlagChange[] {
    const previous = this.flags;
    const changes: FeatureFlagChange[] = [];
    for (const name of new Set([...Object.keys(previous), ...Object.keys(next)])) {
      if (JSON.stringify(previous[name]) !== JSON.stringify(next[name])) {
        changes.push({ name, previous: previous[name], current: next[name] });
      }
    }
    this.flags = frozenFlagSet(next);
    if (changes.length > 0) this.changesSubject.next({ changes, flags: this.flags, source });
    return changes;
  }
}
