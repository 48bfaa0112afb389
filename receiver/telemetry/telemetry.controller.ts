import { Get, HttpCode, Inject, Logger, Post, Req, Res, UseGuards } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  ACCEPT_BATCH_HEADER,
  ENCRYPTION_HEADER,
  FEATURE_FLAGS_KEY,
  isBatchBody,
  SIGNATURE_HEADER,
  type SignedRequest,
  TIMESTAMP_HEADER,
  type TelemetryFlagsAnswer,
  type TelemetryReportAnswer,
  type TelemetryTokenAnswer,
} from '../../lib/protocol';
import { ProjectKeysService } from '../projects/project-keys.service';
import { CommonMessages } from '../common/common.messages';
import { ReceiverAuth } from '../common/auth/decorators/receiver-auth.decorator';
import { ReceiverController } from '../common/decorators/receiver-controller.decorator';
import { ReceiverHttpException } from '../common/envelope/envelope';
import { AuthenticationError, RefusedError } from '../common/errors/receiver.errors';
import { decodeJsonBody, RawBody } from '../common/input/json-body.decorator';
import { RateLimit } from '../common/rate-limit/decorators/rate-limit.decorator';
import { header, queryParam, receiverState } from '../common/request/receiver-request';
import type { ProjectEntity } from '../storage/entities/project.entity';
import { ApiEndpoint, ApiGroup } from '../openapi/api-docs.decorators';
import { TelemetryAuthGuard } from './auth/telemetry-auth.guard';
import { TelemetryTokensService } from './auth/telemetry-tokens.service';
import { FeatureFlagsService, flagsEtag } from './flags/feature-flags.service';
import { ReportAnswerFlags } from './flags/report-answer-flags';
import { TelemetryHostsRepository } from './hosts/telemetry-hosts.repository';
import { inflateReport } from './ingest/report-body.inflater';
import { TelemetryBatchReceiver } from './ingest/telemetry-batch.receiver';
import { TELEMETRY_REPORT_JOB, telemetryReportJob } from './ingest/telemetry-report.job';
import {
  INGEST_QUEUE,
  IngestRejectedError,
  IngestUnavailableError,
  type IngestQueue,
} from '../ingest';
import { InvalidInputError, ReceiverError } from '../common/errors/receiver.errors';
import { decodeReportBody, parseHostName, readReport } from './ingest/telemetry-report.parser';
import { decryptReport } from './security/payload-decryptor';
import { SignatureVerifier } from './security/signature.verifier';
import { TelemetryMessages } from './telemetry.messages';
import { TelemetryDocs } from './telemetry.docs';
import { MAX_BATCH_ROUNDS } from './telemetry.constants';

/** The signed parts of a request: its body bytes and the values of the two signature headers. */
const signedRequest = (request: unknown, body: Buffer): SignedRequest => ({
  body,
  signature: header(request, SIGNATURE_HEADER),
  timestamp: header(request, TIMESTAMP_HEADER),
});

/**
 * The endpoints TelemetryModule and laravel-telemetry-reporter call: reports, bearer tokens and
 * flags. Success bodies are plain objects (`{feature_flags, ...extras}`, `{token}`) because the
 * clients dispatch on their top-level keys; errors keep the envelope.
 */
@ApiGroup('telemetry')
@ReceiverController('telemetry')
@ReceiverAuth('none')
export class TelemetryController {
  private readonly logger = new Logger('Telemetry');
  /** Projects whose rounded integers were logged: once per project and process. */
  private readonly roundedWarned = new Set<number>();

  constructor(
    @Inject(INGEST_QUEUE) private readonly queue: IngestQueue,
    private readonly hosts: TelemetryHostsRepository,
    private readonly tokens: TelemetryTokensService,
    private readonly keys: ProjectKeysService,
    private readonly flags: FeatureFlagsService,
    private readonly answerFlags: ReportAnswerFlags,
    private readonly signatures: SignatureVerifier,
    private readonly batches: TelemetryBatchReceiver,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Post()
  @HttpCode(200)
  @RateLimit('_telemetry', 600)
  @UseGuards(TelemetryAuthGuard)
  @ApiEndpoint(TelemetryDocs.report)
  async report(
    @Req() request: unknown,
    @Res({ passthrough: true }) response: unknown,
    @RawBody() raw: Buffer,
  ): Promise<TelemetryReportAnswer> {
    const state = receiverState(request);
    const project = state.project as ProjectEntity;
    if (state.body?.tooLarge) throw new ReceiverHttpException(413, CommonMessages.payloadTooLarge);
    // The signature covers the bytes as sent: compressed, then (inside) the encrypted envelope.
    await this.signatures.verify(project, signedRequest(request, raw));
    const inflated = await inflateReport(request, raw);
    const plain = decryptReport(project, inflated, header(request, ENCRYPTION_HEADER));
    const { body, roundedInteger } = decodeReportBody(plain);
    if (roundedInteger !== undefined) this.warnRounded(project.id, roundedInteger);
    // Tells TelemetryModule it may send its backlog many rounds per request (catch-up).
    this.adapterHost.httpAdapter.setHeader(response, ACCEPT_BATCH_HEADER, String(MAX_BATCH_ROUNDS));
    if (isBatchBody(body)) return this.batches.receive(project, state.tokenHost, body.rounds);
    const report = readReport(body);
    if (state.tokenHost && state.tokenHost.host !== report.host) {
      throw new RefusedError(TelemetryMessages.tokenForOtherHost(report.host));
    }
    const host =
      state.tokenHost ?? (await this.hosts.findOrCreate(project, report.host, 'approved'));
    try {
      await this.queue.enqueue(TELEMETRY_REPORT_JOB, telemetryReportJob(host, report));
    } catch (error) {
      if (error instanceof IngestRejectedError) throw new InvalidInputError(error.message);
      if (!(error instanceof IngestUnavailableError)) throw error;
      throw new ReceiverError('unavailable', TelemetryMessages.reportNotStored);
    }
    // Stored from here on: whatever the flags read does, the answer is a 2xx.
    return { ...host.response_extras, ...(await this.answerFlags.of(project.id, host.host)) };
  }

  @Post(['auth-token', 'token'])
  @HttpCode(200)
  @RateLimit('_telemetry_token', 30)
  @ApiEndpoint(TelemetryDocs.token)
  async token(@Req() request: unknown): Promise<TelemetryTokenAnswer> {
    const key = header(request, 'x-api-key').trim() || (queryParam(request, 'key') ?? '').trim();
    if (!key) throw new AuthenticationError(TelemetryMessages.tokenKeyRequired);
    const bySecret = await this.keys.findBySecretKey(key);
    const project = bySecret ?? (await this.keys.findByPublicKey(key));
    if (!project) throw new AuthenticationError(TelemetryMessages.invalidApiKey);
    if (!bySecret && project.token_policy !== 'approval') {
      throw new RefusedError(TelemetryMessages.publicKeyNeedsApproval);
    }
    const hostName = parseHostName(decodeJsonBody(request).host);
    const initial = project.token_policy === 'approval' ? 'pending' : 'approved';
    const host = await this.hosts.findOrCreate(project, hostName, initial);
    if (host.status !== 'approved') {
      throw new RefusedError(TelemetryMessages.hostPending(hostName));
    }
    return {
      success: true,
      message: TelemetryMessages.tokenIssued,
      token: await this.tokens.issue(host),
    };
  }

  @Get('flags')
  @RateLimit('_telemetry_flags', 120)
  @UseGuards(TelemetryAuthGuard)
  @ApiEndpoint(TelemetryDocs.flags)
  async featureFlags(
    @Req() request: unknown,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<TelemetryFlagsAnswer | undefined> {
    const state = receiverState(request);
    const project = state.project as ProjectEntity;
    await this.signatures.verify(project, signedRequest(request, Buffer.alloc(0)), false);
    const host = parseHostName(queryParam(request, 'host') ?? state.tokenHost?.host);
    if (state.tokenHost && state.tokenHost.host !== host) {
      throw new RefusedError(TelemetryMessages.tokenForOtherHost(host));
    }
    const document: TelemetryFlagsAnswer = {
      [FEATURE_FLAGS_KEY]: await this.flags.resolveFor(project.id, host),
    };
    const etag = flagsEtag(document);
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(response, 'ETag', etag);
    adapter.setHeader(response, 'Cache-Control', 'no-cache');
    const conditions = header(request, 'if-none-match')
      .split(',')
      .map((tag) => tag.trim());
    if (conditions.includes(etag) || conditions.includes('*')) {
      adapter.status(response, 304);
      return undefined;
    }
    return document;
  }

  private warnRounded(projectId: number, literal: string): void {
    if (this.roundedWarned.has(projectId)) return;
    this.roundedWarned.add(projectId);
    this.logger.warn(TelemetryMessages.integersRounded(projectId, literal));
  }
}
