import type { JsonValue } from '../../protocol';

/** A flag's value as the receiver sends it: usually a boolean, possibly a variant or a JSON object. */
export type FeatureFlagValue = JsonValue;

/** Flag name → value, as last received. */
export type FeatureFlags = Readonly<Record<string, FeatureFlagValue>>;

/** Where a set of flags came from. */
export type FeatureFlagsSource = 'store' | 'report' | 'poll';

/** One flag whose value differs from before; `undefined` means absent (added or removed flag). */
export interface FeatureFlagChange {
  name: string;
  previous: FeatureFlagValue | undefined;
  current: FeatureFlagValue | undefined;
}

/** What `FeatureFlagsService.changes$` emits: only sets that changed at least one flag. */
export interface FeatureFlagsChange {
  changes: FeatureFlagChange[];
  /** The full set after the change. */
  flags: FeatureFlags;
  source: FeatureFlagsSource;
}

/** The document persisted in the telemetry store, loaded at start. */
export interface PersistedFeatureFlags {
  flags: Record<string, FeatureFlagValue>;
  /** ETag of the flags endpoint's answer these flags came from, for `If-None-Match`. */
  etag?: string;
  /** ISO time the flags were received. */
  receivedAt: string;
}
