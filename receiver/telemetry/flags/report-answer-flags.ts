import { Injectable, Logger } from '@nestjs/common';
import { FEATURE_FLAGS_KEY, type TelemetryReportAnswer } from '../../../lib/protocol';
import { OutageLog } from '../../../lib/outage/outage.log';
import { TelemetryMessages } from '../telemetry.messages';
import { FeatureFlagsService } from './feature-flags.service';

/**
 * The `feature_flags` part of the answer to a report the receiver has ALREADY stored. Reading the
 * flags can still fail then (the database went away right after the commit), and a 5xx would make
 * the client keep the report and send it again: stored twice. So the report is acknowledged all
 * the same, without the key. Both clients read a missing key as "keep your flags": they dispatch
 * only the keys an answer holds (telemetry reporter contract §8), whereas an empty object would
 * replace the client's flags with none. Nor is an older copy sent: the client may hold a newer set
 * (from another receiver instance or the flags endpoint), which a stale one would roll back; the
 * next report or flags poll brings the current flags. Logged once when reads start failing, once
 * when one succeeds again.
 */
@Injectable()
export class ReportAnswerFlags {
  private readonly outage = new OutageLog(
    new Logger('ReceiverTelemetry'),
    TelemetryMessages.answerFlagsUnreadable,
    TelemetryMessages.answerFlagsReadable,
  );

  constructor(private readonly flags: FeatureFlagsService) {}

  /** `{feature_flags}` resolved for the host, or nothing when the flags cannot be read now. */
  async of(projectId: number, host: string): Promise<Pick<TelemetryReportAnswer, 'feature_flags'>> {
    try {
      const flags = await this.flags.resolveFor(projectId, host);
      this.outage.up();
      return { [FEATURE_FLAGS_KEY]: flags };
    } catch (error) {
      this.outage.down(error);
      return {};
    }
  }
}
