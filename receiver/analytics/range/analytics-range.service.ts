import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedReceiverOptions } from '../../config/receiver-options.interface';
import { RECEIVER_OPTIONS } from '../../config/receiver-options.constants';
import { queryValue, type AnalyticsQuery } from '../analytics-query.params';
import type { AnalyticsRange } from './analytics-range.interface';
import { parseAnalyticsRange } from './analytics-range.parser';

/** Reads `range` / `from` / `to` of a request in the receiver's configured timezone. */
@Injectable()
export class AnalyticsRangeService {
  constructor(@Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions) {}

  /** @throws InvalidInputError (400) with the contract's message. */
  parse(query: AnalyticsQuery): AnalyticsRange {
    return parseAnalyticsRange(
      {
        range: queryValue(query, 'range'),
        from: queryValue(query, 'from'),
        to: queryValue(query, 'to'),
      },
      this.options.timezone,
    );
  }
}
