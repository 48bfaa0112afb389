import { Inject, Injectable, Logger } from '@nestjs/common';
import { truncateBytes } from '../common';
import type { ClientContext } from '../common/request/client-context';
import { ReceiverClock } from '../common/time/receiver-time';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { categoriseReferrer } from '../enrichment/referrer.categorizer';
import { RequestEnricher } from '../enrichment/request.enricher';
import { parseUtm } from '../enrichment/utm.parser';
import { INGEST_QUEUE, IngestQueue, IngestRejectedError, IngestUnavailableError } from '../ingest';
import { DEFAULT_RETRY_AFTER_SECONDS } from '../ingest/ingest.constants';
import { isStorageFault } from '../storage/storage-fault';
import { CookielessIdentity } from './cookieless/cookieless-identity.service';
import type { AuditJob, ErrorJob, PageviewJob } from './interfaces/tracking-jobs.interface';
import { AUDIT_JOB, ERROR_JOB, LIMITS, PAGEVIEW_JOB } from './tracking.constants';
import { TrackingMessages } from './tracking.messages';
import type { ValidAudit } from './validation/audit.validator';
import type { ValidError } from './validation/error.validator';
import type { ValidPageview } from './validation/pageview.validator';
import { InvalidInputError, ReceiverError } from '../common/errors/receiver.errors';

/** How a pageview is identified: by the client's ids, or derived by the receiver. */
export interface PageviewMode {
  projectId: number;
  /** The project is cookieless, or the snippet asked for it (`cookieless: true` in the body). */
  cookieless: boolean;
}

/**
 * Turns validated tracking requests into enriched queue jobs and waits until the queue has them
 * durably; a queue that cannot keep an event becomes 503 (never a 202 for a lost event).
 */
@Injectable()
export class TrackingService {
  private readonly logger = new Logger('Tracking');
  private outageLogged = false;

  constructor(
    @Inject(INGEST_QUEUE) private readonly queue: IngestQueue,
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    private readonly enricher: RequestEnricher,
    private readonly identity: CookielessIdentity,
    private readonly clock: ReceiverClock,
  ) {}

  /**
   * Queues a pageview. With `respectPrivacySignals`, a browser that sent `Sec-GPC: 1` or `DNT: 1`
   * is not recorded at all; its caller answers as for any accepted pageview, so the page and the
   * snippet behave the same and the answer does not reveal the signal. Returns whether it was kept.
   */
  async pageview(
    client: ClientContext,
    { projectId, cookieless }: PageviewMode,
    valid: ValidPageview,
  ): Promise<boolean> {
    if (this.options.respectPrivacySignals && client.optOut) return false;
    const receivedAt = this.clock.now();
    const { device, geo } = this.enricher.facts(client);
    // UTM values come from the URL as sent, before minimisation could shorten it.
    const utm = parseUtm(valid.url);
    for (const key of Object.keys(utm) as (keyof typeof utm)[]) {
      utm[key] = truncateBytes(utm[key], LIMITS.utm);
    }
    const job: PageviewJob = {
      projectId,
      receivedAt,
      ...valid,
      url: this.enricher.storedUrl(valid.url),
      referrer: this.enricher.storedUrl(valid.referrer),
      referrerCategory: categoriseReferrer(valid.referrer),
      utm,
      device,
      geo,
    };
    if (cookieless) {
      job.cookieless = true;
      job.visitorHash = await this.visitorHash(client, projectId, receivedAt);
    }
    await this.enqueue(client, PAGEVIEW_JOB, job);
    return true;
  }

  async error(client: ClientContext, projectId: number, valid: ValidError): Promise<void> {
    const { device, geo } = this.enricher.facts(client);
    const job: ErrorJob = {
      projectId,
      receivedAt: Date.now(),
      ...valid,
      url: this.enricher.storedUrl(valid.url),
      device,
      geo,
    };
    await this.enqueue(client, ERROR_JOB, job);
  }

  async audit(client: ClientContext, projectId: number, valid: ValidAudit): Promise<void> {
    const ipHash = this.enricher.ipHash(client);
    const job: AuditJob = { projectId, receivedAt: Date.now(), ...valid, ipHash };
    await this.enqueue(client, AUDIT_JOB, job);
  }

  private async visitorHash(client: ClientContext, projectId: number, at: number) {
    try {
      return await this.identity.visitorHash(projectId, client, at);
    } catch (error) {
      if (this.shouldLog(error)) {
        this.logger.error(`[${client.requestId}] pageview not stored: no salt: ${String(error)}`);
      }
      throw new ReceiverError('unavailable', TrackingMessages.storageUnavailable);
    }
  }

  private async enqueue(client: ClientContext, kind: string, job: object): Promise<void> {
    try {
      await this.queue.enqueue(kind, job);
      this.outageLogged = false;
    } catch (error) {
      // The database refuses this event alone: sending it again cannot help.
      if (error instanceof IngestRejectedError) throw new InvalidInputError(error.message);
      const known = error instanceof IngestUnavailableError ? error : undefined;
      if (this.shouldLog(error)) {
        this.logger.error(
          `[${client.requestId}] ${kind} not stored: ${known?.message ?? String(error)}`,
        );
      }
      throw new ReceiverError(
        'unavailable',
        TrackingMessages.storageUnavailable,
        known?.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS,
      );
    }
  }

  /**
   * During a storage outage only the first refused request is logged (with its request id, so
   * the client's report can be matched); the rest would be thousands of identical lines.
   */
  private shouldLog(error: unknown): boolean {
    if (!isStorageFault(error)) return true;
    if (this.outageLogged) return false;
    this.outageLogged = true;
    return true;
  }
}
