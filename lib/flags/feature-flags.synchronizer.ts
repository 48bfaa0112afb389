import { Injectable } from '@nestjs/common';
import { TelemetryHttpClient } from '../transport/telemetry-http.client';
import { FeatureFlagsService } from './feature-flags.service';
import type { FeatureFlagChange } from './interfaces/feature-flags.interface';

/** Outcome of one fetch of the flags. */
export interface FeatureFlagsSyncResult {
  ok: boolean;
  /** The server answered 304: the flags held are current. */
  notModified: boolean;
  /** What the fetch changed (empty when nothing did). */
  changes: FeatureFlagChange[];
  error?: string;
  retryAfterSeconds?: number;
}

/**
 * Fetches the flags from the flags endpoint once and hands them to {@link FeatureFlagsService}.
 * The poller calls it on its schedule and the `sync-flags` command calls it on demand.
 */
@Injectable()
export class FeatureFlagsSynchronizer {
  /** @internal Nest creates this service; its dependencies are the package's own. */
  constructor(
    private readonly http: TelemetryHttpClient,
    private readonly flags: FeatureFlagsService,
  ) {}

  /** Fetches now (with `If-None-Match` when an ETag is known), persists and announces changes. */
  async syncNow(): Promise<FeatureFlagsSyncResult> {
    const result = await this.http.getFlags(this.flags.etag);
    if (!result.ok) {
      return {
        ok: false,
        notModified: false,
        changes: [],
        error: result.error,
        retryAfterSeconds: result.retryAfterSeconds,
      };
    }
    if (result.notModified) return { ok: true, notModified: true, changes: [] };
    const changes = await this.flags.apply(result.flags, 'poll', result.etag);
    return { ok: true, notModified: false, changes };
  }
}
