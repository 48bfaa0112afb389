import { ReceiverSchema1763800000000 } from './1763800000000-receiver-schema';
import { AnalyticsCoveringIndexes1763900000000 } from './1763900000000-analytics-covering-indexes';
import { TelemetryValueTypes1764000000000 } from './1764000000000-telemetry-value-types';
import { CookielessMode1764050000000 } from './1764050000000-cookieless-mode';
import { DataLifecycle1764100000000 } from './1764100000000-data-lifecycle';
import { IngestEventIds1764200000000 } from './1764200000000-ingest-event-ids';
import { PrivacyRequests1764250000000 } from './1764250000000-privacy-requests';
import { AnalyticsRollups1764300000000 } from './1764300000000-analytics-rollups';
import { ErrorEventOccurrences1764360000000 } from './1764360000000-error-event-occurrences';
import { Alerts1764500000000 } from './1764500000000-alerts';
import { ErrorLinkRollups1764600000000 } from './1764600000000-error-link-rollups';
import { TelemetrySamplePointIndex1764700000000 } from './1764700000000-telemetry-sample-point-index';
import { ExactLabels1764800000000 } from './1764800000000-exact-labels';
import { AuditActorTimeIndex1764810000000 } from './1764810000000-audit-actor-time-index';
import { RollupGroupIndex1764860000000 } from './1764860000000-rollup-group-index';
import { LinkClickers1764900000000 } from './1764900000000-link-clickers';
import { RedundantIngestIndexes1764930000000 } from './1764930000000-redundant-ingest-indexes';
import { WeeklyRollups1764950000000 } from './1764950000000-weekly-rollups';
import { RollupGates1764970000000 } from './1764970000000-rollup-gates';
import { AuditActionRollups1764980000000 } from './1764980000000-audit-action-rollups';
import { RollupSegments1764990000000 } from './1764990000000-rollup-segments';
import { UnreadIngestIndexes1765000000000 } from './1765000000000-unread-ingest-indexes';
import { ExactSessionTokens1765010000000 } from './1765010000000-exact-session-tokens';

/** The receiver's migrations in order; list them in your data source when you pass a connection name. */
export const RECEIVER_MIGRATIONS = [
  ReceiverSchema1763800000000,
  AnalyticsCoveringIndexes1763900000000,
  TelemetryValueTypes1764000000000,
  CookielessMode1764050000000,
  DataLifecycle1764100000000,
  IngestEventIds1764200000000,
  PrivacyRequests1764250000000,
  AnalyticsRollups1764300000000,
  ErrorEventOccurrences1764360000000,
  Alerts1764500000000,
  ErrorLinkRollups1764600000000,
  TelemetrySamplePointIndex1764700000000,
  ExactLabels1764800000000,
  AuditActorTimeIndex1764810000000,
  RollupGroupIndex1764860000000,
  LinkClickers1764900000000,
  RedundantIngestIndexes1764930000000,
  WeeklyRollups1764950000000,
  RollupGates1764970000000,
  AuditActionRollups1764980000000,
  RollupSegments1764990000000,
  UnreadIngestIndexes1765000000000,
  ExactSessionTokens1765010000000,
];
