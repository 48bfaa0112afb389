import { Inject, Injectable, Logger } from '@nestjs/common';
import { int } from '../storage/sql/sql-values';
import { phpTrim, truncateBytes } from '../common/input/php-input';
import type { ClientContext } from '../common/request/client-context';
import { categoriseReferrer } from '../enrichment/referrer.categorizer';
import { RequestEnricher } from '../enrichment/request.enricher';
import { INGEST_QUEUE, type IngestQueue } from '../ingest';
import { CLICK_JOB, type ClickJob } from './interfaces/click-job.interface';
import { isRedirectable } from './link-input';
import { LinksMessages } from './links.messages';
import { LinksRepository } from './links.repository';

/** What the redirect answers: a 302 to `location`, or a plain-text error. */
export type RedirectOutcome =
  { status: 302; location: string } | { status: 400 | 404; text: string };

/** Longest stored referrer, in bytes (contract 3.12). */
const REFERRER_MAX_BYTES = 2048;

/**
 * The redirect of contract 2.4: code lookup across all projects (case-insensitive), active
 * links only, http(s) destinations only, and a click handed to the ingest queue. Links of a
 * disabled project still redirect, and bots count as clicks, as in the original.
 */
@Injectable()
export class RedirectService {
  private readonly logger = new Logger('ReceiverRedirect');

  constructor(
    private readonly links: LinksRepository,
    private readonly enricher: RequestEnricher,
    @Inject(INGEST_QUEUE) private readonly queue: IngestQueue,
  ) {}

  async resolve(rawCode: string | undefined, client: ClientContext): Promise<RedirectOutcome> {
    const code = phpTrim(rawCode ?? '');
    if (!code) return { status: 400, text: LinksMessages.redirectMissingCode };
    const link = await this.links.findRedirect(code);
    const active = link && (link.is_active === true || Number(link.is_active) === 1);
    if (!active) return { status: 404, text: LinksMessages.redirectNotFound };
    const destination = String(link.destination_url);
    if (!isRedirectable(destination)) {
      return { status: 400, text: LinksMessages.redirectInvalidDestination };
    }
    await this.recordClick(int(link.id), int(link.project_id), String(link.code), client);
    return { status: 302, location: destination };
  }

  /**
   * Waits until the queue holds the click (durable: committed by the inline group commit, or
   * stored in Redis), so nothing is lost once the 302 is out. A queue that refuses the click
   * does not block the visitor: the click is logged as lost and the redirect proceeds.
   */
  private async recordClick(
    linkId: number,
    projectId: number,
    code: string,
    client: ClientContext,
  ): Promise<void> {
    const facts = this.enricher.facts(client);
    const referrerUrl = truncateBytes(client.referer, REFERRER_MAX_BYTES);
    const job: ClickJob = {
      linkId,
      projectId,
      referrerUrl,
      referrerCategory: categoriseReferrer(referrerUrl),
      ipHash: this.enricher.ipHash(client),
      device: facts.device,
      geo: facts.geo,
      clickedAt: new Date().toISOString(),
    };
    try {
      await this.queue.enqueue(CLICK_JOB, job);
    } catch (error) {
      this.logger.warn(LinksMessages.clickNotQueued(code, error));
    }
  }
}
