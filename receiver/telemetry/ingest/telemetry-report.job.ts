import type { TelemetryValueMeta } from '../../../lib/protocol';
import type { TelemetryHostEntity } from '../../storage/entities/telemetry-host.entity';
import type { TelemetryReport } from './telemetry-report.parser';

/** Job kind of telemetry reports on the ingest queue. */
export const TELEMETRY_REPORT_JOB = 'telemetry-report';

/**
 * A validated telemetry report as the ingest queue carries it: plain JSON (times as epoch
 * milliseconds), so any queue can hold it. The host was resolved (or created) on the request path.
 */
export interface TelemetryReportJob {
  projectId: number;
  hostId: number;
  /** The host's name (for committed events; jobs queued by older versions lack it). */
  host?: string;
  /** When the values were collected, to the second (the idempotency key with host and key). */
  collectedAt: number;
  /** Request arrival: the samples' `received_at` and the host's `last_seen`. */
  receivedAt: number;
  data: Record<string, unknown>;
  metadata: Record<string, TelemetryValueMeta>;
}

/** The job of one validated report from `host`, accepted at `receivedAt`. */
export function telemetryReportJob(
  host: TelemetryHostEntity,
  report: TelemetryReport,
  receivedAt = Date.now(),
): TelemetryReportJob {
  return {
    projectId: host.project_id,
    hostId: host.id,
    host: host.host,
    collectedAt: report.collectedAt.getTime(),
    receivedAt,
    data: report.data,
    metadata: report.metadata,
  };
}
