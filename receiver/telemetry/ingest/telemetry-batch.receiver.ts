import { Inject, Injectable } from '@nestjs/common';
import type { TelemetryBatchAnswer } from '../../../lib/protocol';
import { ReceiverError } from '../../common/errors/receiver.errors';
import { ReceiverHttpException } from '../../common/envelope/envelope';
import { INGEST_QUEUE, IngestRejectedError, type IngestQueue } from '../../ingest';
import type { ProjectEntity } from '../../storage/entities/project.entity';
import type { TelemetryHostEntity } from '../../storage/entities/telemetry-host.entity';
import { ReportAnswerFlags } from '../flags/report-answer-flags';
import { TelemetryHostsRepository } from '../hosts/telemetry-hosts.repository';
import { MAX_BATCH_ROUNDS } from '../telemetry.constants';
import { TelemetryMessages } from '../telemetry.messages';
import { readReport, type TelemetryReport } from './telemetry-report.parser';
import { TELEMETRY_REPORT_JOB, telemetryReportJob } from './telemetry-report.job';

interface ValidRound {
  index: number;
  host: TelemetryHostEntity;
  report: TelemetryReport;
}

/**
 * Stores a batch of rounds (TelemetryModule's catch-up after an outage), each validated and
 * stored on its own: the answer lists the rounds stored and those refused as invalid, so the
 * client acknowledges exactly what is kept and sends the others again. Storing a round twice
 * changes nothing (one sample per host, key and collection second), which makes resending safe.
 */
@Injectable()
export class TelemetryBatchReceiver {
  constructor(
    @Inject(INGEST_QUEUE) private readonly queue: IngestQueue,
    private readonly hosts: TelemetryHostsRepository,
    private readonly answerFlags: ReportAnswerFlags,
  ) {}

  async receive(
    project: ProjectEntity,
    tokenHost: TelemetryHostEntity | undefined,
    rounds: unknown[],
  ): Promise<TelemetryBatchAnswer> {
    if (rounds.length === 0 || rounds.length > MAX_BATCH_ROUNDS) {
      throw new ReceiverHttpException(400, TelemetryMessages.batchRoundsBad(MAX_BATCH_ROUNDS));
    }
    const refused: TelemetryBatchAnswer['refused'] = [];
    const valid: ValidRound[] = [];
    const hosts = new Map<string, TelemetryHostEntity>();
    for (const [index, round] of rounds.entries()) {
      let report: TelemetryReport;
      try {
        report = readReport(round);
      } catch (error) {
        if (!(error instanceof ReceiverError)) throw error;
        refused.push({ index, error: error.message });
        continue;
      }
      if (tokenHost && tokenHost.host !== report.host) {
        refused.push({ index, error: TelemetryMessages.tokenForOtherHost(report.host) });
        continue;
      }
      const host =
        tokenHost ??
        hosts.get(report.host) ??
        (await this.hosts.findOrCreate(project, report.host, 'approved'));
      hosts.set(host.host, host);
      valid.push({ index, host, report });
    }
    // The rounds share the queue's group commits; a round that was not kept is simply not
    // listed, and the client sends it again.
    const receivedAt = Date.now();
    const outcomes = await Promise.allSettled(
      valid.map(({ host, report }) =>
        this.queue.enqueue(TELEMETRY_REPORT_JOB, telemetryReportJob(host, report, receivedAt)),
      ),
    );
    const stored = valid
      .filter((_, i) => outcomes[i].status === 'fulfilled')
      .map((round) => round.index);
    // A round the database refuses alone is refused like an invalid one: resending cannot help.
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'rejected' && outcome.reason instanceof IngestRejectedError) {
        refused.push({ index: valid[i].index, error: outcome.reason.message });
      }
    });
    refused.sort((a, b) => a.index - b.index);
    // Without a host to resolve them for (every round refused), no flags: an empty object would
    // wipe the client's. Rounds are stored from here on, so a failing flags read is no 5xx.
    const answerHost = tokenHost ?? valid.at(-1)?.host;
    const flags = answerHost ? await this.answerFlags.of(project.id, answerHost.host) : {};
    return { ...answerHost?.response_extras, ...flags, stored, refused };
  }
}
