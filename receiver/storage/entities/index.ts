import { AlertDeliveryEntity } from './alert-delivery.entity';
import { AlertEvaluationEntity } from './alert-evaluation.entity';
import { AlertFiringEntity } from './alert-firing.entity';
import { AlertRuleEntity } from './alert-rule.entity';
import { AuditLogEntity } from './audit-log.entity';
import { DeviceEntity } from './device.entity';
import { ErrorEventEntity } from './error-event.entity';
import { ErrorGroupEntity } from './error-group.entity';
import { FeatureFlagEntity } from './feature-flag.entity';
import { LifecycleLeaseEntity } from './lifecycle-lease.entity';
import { LinkClickEntity } from './link-click.entity';
import { LocationEntity } from './location.entity';
import { PageviewEntity } from './pageview.entity';
import { PrivacyRequestEntity } from './privacy-request.entity';
import { ProjectEntity } from './project.entity';
import { SessionEntity } from './session.entity';
import { TelemetryHostEntity } from './telemetry-host.entity';
import { TelemetryLatestEntity } from './telemetry-latest.entity';
import { TelemetrySampleEntity } from './telemetry-sample.entity';
import { TelemetrySignatureEntity } from './telemetry-signature.entity';
import { TelemetryTokenEntity } from './telemetry-token.entity';
import { TrackedLinkEntity } from './tracked-link.entity';
import { VisitorEntity } from './visitor.entity';
import { VisitorSaltEntity } from './visitor-salt.entity';

export * from './alert-delivery.entity';
export * from './alert-evaluation.entity';
export * from './alert-firing.entity';
export * from './alert-rule.entity';
export * from './audit-log.entity';
export * from './device.entity';
export * from './error-event.entity';
export * from './error-group.entity';
export * from './feature-flag.entity';
export * from './lifecycle-lease.entity';
export * from './link-click.entity';
export * from './location.entity';
export * from './pageview.entity';
export * from './privacy-request.entity';
export * from './project.entity';
export * from './session.entity';
export * from './telemetry-host.entity';
export * from './telemetry-latest.entity';
export * from './telemetry-sample.entity';
export * from './telemetry-signature.entity';
export * from './telemetry-token.entity';
export * from './tracked-link.entity';
export * from './visitor.entity';
export * from './visitor-salt.entity';

/**
 * Every entity of the receiver; list them in your own data source when you pass a connection name.
 * (Typed as entity classes: an inferred union of every class would change order between builds.)
 */
export const RECEIVER_ENTITIES: Array<new () => object> = [
  ProjectEntity,
  VisitorEntity,
  SessionEntity,
  PageviewEntity,
  DeviceEntity,
  LocationEntity,
  ErrorGroupEntity,
  ErrorEventEntity,
  AuditLogEntity,
  TrackedLinkEntity,
  LinkClickEntity,
  TelemetryHostEntity,
  TelemetrySampleEntity,
  TelemetryLatestEntity,
  TelemetryTokenEntity,
  TelemetrySignatureEntity,
  FeatureFlagEntity,
  LifecycleLeaseEntity,
  VisitorSaltEntity,
  PrivacyRequestEntity,
  AlertRuleEntity,
  AlertFiringEntity,
  AlertDeliveryEntity,
  AlertEvaluationEntity,
];
