import type { ErrorEnvironment, ErrorSeverity } from '../storage/entities';

/** What every committed event carries: its project and when it happened (epoch ms). */
interface CommittedEventBase {
  projectId: number;
  /** When the event happened (its arrival at the receiver), epoch milliseconds. */
  timestamp: number;
}

/** A pageview that was stored (a deduplicated repeat within 5 minutes is not one). */
export interface CommittedPageview extends CommittedEventBase {
  type: 'pageview';
  eventId: string;
  url: string;
  title: string;
  visitorId: number;
  sessionId: number;
  /** The pageview opened its session (the session row was created by this batch). */
  isNewSession: boolean;
}

/** A stored error event, with what became of its group. */
export interface CommittedError extends CommittedEventBase {
  type: 'error';
  groupId: number;
  eventId: string;
  message: string;
  errorType: string;
  severity: ErrorSeverity;
  environment: ErrorEnvironment;
  /** The group was created by this event's batch (first occurrence of the fingerprint). */
  newGroup: boolean;
  /** The group was resolved and this event reopened it. */
  regression: boolean;
  /** The group's occurrence count once this event is counted. */
  occurrences: number;
}

/** A stored audit log entry. */
export interface CommittedAudit extends CommittedEventBase {
  type: 'audit';
  eventId: string;
  action: string;
  actor: string;
}

/** A stored link click. */
export interface CommittedClick extends CommittedEventBase {
  type: 'click';
  eventId: string;
  linkId: number;
}

/** A telemetry report whose values were stored (an exact repeat of a stored report is not one). */
export interface CommittedTelemetry extends CommittedEventBase {
  type: 'telemetry';
  /** Row id of the reporting host (telemetry_hosts.id). */
  hostId: number;
  /** The host's name as it reports itself (`host` of the payload). */
  host: string;
  /** The reported values, by key. */
  values: Record<string, unknown>;
  /** When the client collected the values (epoch ms). */
  reportedAt: number;
}

/**
 * An event as it stands once its batch committed. Published by the process that wrote it (the
 * HTTP process with the inline queue, the worker with the Redis queue), never for a batch that
 * rolled back. Realtime feeds and alert rules read these.
 */
export type CommittedEvent =
  CommittedPageview | CommittedError | CommittedAudit | CommittedClick | CommittedTelemetry;

/**
 * Receives the committed events of one batch, in write order, and when the batch committed (epoch
 * ms, taken by the writing process as it publishes after commit).
 */
export type CommittedEventsListener = (
  events: readonly CommittedEvent[],
  committedAt: number,
) => void | Promise<void>;
