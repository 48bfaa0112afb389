import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Envelope } from '../../common/envelope/envelope';
import type { AnalyticsAnswer } from '../analytics-answer';
import type { CsvRequest } from './csv-requested.decorator';
import { toCsv } from './csv.util';

type Data = Record<string, unknown> & { range?: { from: string; to: string } };

/**
 * Turns a successful analytics envelope into the CSV download a request asked for
 * ({@link CsvRequest}): `AnalyticsResponder` hands it the answers of such requests only. Errors
 * keep their JSON envelope (the filter answers them; nothing reaches this).
 */
@Injectable()
export class CsvExporter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** The CSV text of the requested list; the response's headers become a download's. */
  toFile({ definition, list, response }: CsvRequest, json: AnalyticsAnswer): string {
    const envelope = JSON.parse(json) as Envelope<Data>;
    const data = envelope.data ?? {};
    const rows = (data[list] ?? []) as Array<Record<string, unknown>>;
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(response, 'Content-Type', 'text/csv; charset=utf-8');
    adapter.setHeader(
      response,
      'Content-Disposition',
      `attachment; filename="${fileName(definition.name, list, data.range)}"`,
    );
    return toCsv(rows, definition.flatten);
  }
}

/** `visitors-over_time-2026-01-01_2026-01-31.csv` */
function fileName(name: string, list: string, range?: { from: string; to: string }): string {
  const span = range ? `-${range.from.slice(0, 10)}_${range.to.slice(0, 10)}` : '';
  return `${name}-${list}${span}.csv`;
}
