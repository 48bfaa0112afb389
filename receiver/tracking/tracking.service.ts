import { Inject, Injectable, Logger } from '@nestjs/common';
import { truncateBytes } from '../common';
import type { ClientContext } from '../common/request/client-context';
import { categoriseReferrer } from '../enrichment/referrer.categorizer';
import { RequestEnricher } from '../enrichment/request.enricher';
import { parseUtm } from '../enrichment/utm.parser';
import { INGEST_QUEUE, IngestQueue, IngestUnavailableError } from '../ingest';
import type { AuditJob, ErrorJob, PageviewJob } from './interfaces/tracking-jobs.interface';
import { AUDIT_JOB, ERROR_JOB, LIMITS, PAGEVIEW_JOB } from './tracking.constants';
import { TrackingMessages } from './tracking.messages';
import type { ValidAudit } from './validation/audit.validator';
import type { ValidError } from './validation/error.validator';
import type { ValidPageview } from './validation/pageview.validator';
import { ReceiverError } from '../common/errors/receiver.errors';

/**
 * Turns validated tracking requests into enriched queue jobs and waits until the queue has them
 * durably; a queue that cannot keep an event becomes 503 (never a 202 for a lost event).
 */
@Injectable()
export class TrackingService {
  private readonly logger = new Logger('Tracking');

  constructor(
    @Inject(INGEST_QUEUE) private readonly queue: IngestQueue,
    private readonly enricher: RequestEnricher,
  ) {}

  async pageview(client: ClientContext, projectId: number, valid: ValidPageview): Promise<void> {
    const receivedAt = Date.now();
    const { device, geo } = this.enricher.facts(client);
    const utm = parseUtm(valid.url);
    for (const key of Object.keys(utm) as (keyof typeof utm)[]) {
      utm[key] = truncateBytes(utm[key], LIMITS.utm);
    }
    const job: PageviewJob = {
      projectId,
      receivedAt,
      ...valid,
      referrerCategory: categoriseReferrer(valid.referrer),
      utm,
      device,
      geo,
    };
    await this.enqueue(client, PAGEVIEW_JOB, job);
  }

  async error(client: ClientContext, projectId: number, valid: ValidError): Promise<void> {
    const { device, geo } = this.enricher.facts(client);
    const job: ErrorJob = { projectId, receivedAt: Date.now(), ...valid, device, geo };
    await this.enqueue(client, ERROR_JOB, job);
  }

  async audit(client: ClientContext, projectId: number, valid: ValidAudit): Promise<void> {
    const ipHash = this.enricher.ipHash(client);
    const job: AuditJob = { projectId, receivedAt: Date.now(), ...valid, ipHash };
    await this.enqueue(client, AUDIT_JOB, job);
  }

  private async enqueue(client: ClientContext, kind: string, job: object): Promise<void> {
    try {
      await this.queue.enqueue(kind, job);
    } catch (error) {
      const reason = error instanceof IngestUnavailableError ? error.message : String(error);
      this.logger.error(`[${client.requestId}] ${kind} not stored: ${reason}`);
      throw new ReceiverError('unavailable', TrackingMessages.storageUnavailable);
    }
  }
}
