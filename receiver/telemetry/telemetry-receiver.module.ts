import { Module } from '@nestjs/common';
import { TelemetryAuthGuard } from './auth/telemetry-auth.guard';
import { TelemetryTokensService } from './auth/telemetry-tokens.service';
import { TelemetryAuthenticator } from './auth/telemetry.authenticator';
import { FeatureFlagsController } from './flags/feature-flags.controller';
import { FeatureFlagsService } from './flags/feature-flags.service';
import { ReportAnswerFlags } from './flags/report-answer-flags';
import { TelemetryHostsController } from './hosts/telemetry-hosts.controller';
import { TelemetryHostsRepository } from './hosts/telemetry-hosts.repository';
import { TelemetryHostsService } from './hosts/telemetry-hosts.service';
import { TelemetryValuesReader } from './hosts/telemetry-values.reader';
import { TelemetryBatchReceiver } from './ingest/telemetry-batch.receiver';
import { TelemetryReportHandler } from './ingest/telemetry-report.handler';
import { ReplayGuardService } from './security/replay-guard.service';
import { SignatureVerifier } from './security/signature.verifier';
import { TelemetryController } from './telemetry.controller';
import { TelemetryRepository } from './telemetry.repository';

/** Telemetry ingest, bearer tokens, feature flags and the hosts API. */
@Module({
  controllers: [TelemetryHostsController, TelemetryController, FeatureFlagsController],
  providers: [
    TelemetryAuthGuard,
    TelemetryAuthenticator,
    TelemetryTokensService,
    TelemetryHostsRepository,
    TelemetryHostsService,
    TelemetryReportHandler,
    TelemetryBatchReceiver,
    FeatureFlagsService,
    ReportAnswerFlags,
    ReplayGuardService,
    SignatureVerifier,
    TelemetryRepository,
    TelemetryValuesReader,
  ],
  exports: [FeatureFlagsService, TelemetryHostsService, TelemetryValuesReader],
})
export class TelemetryReceiverModule {}
