import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { map, type Observable } from 'rxjs';
import type { Envelope } from '../../common/envelope/envelope';
import { ReceiverHttpException } from '../../common/envelope/envelope';
import type { AnalyticsAnswer } from '../analytics-responder';
import { queryValue } from '../analytics-query.params';
import { ANALYTICS_MESSAGES } from '../analytics.messages';
import { CSV_EXPORT_METADATA, type CsvExportDefinition } from './csv-export.definition';
import { toCsv } from './csv.util';

type Data = Record<string, unknown> & { range?: { from: string; to: string } };

/**
 * Turns a successful analytics envelope into a CSV download when the query says `format=csv`.
 * Errors keep their JSON envelope (the filter answers them before this runs).
 */
@Injectable()
export class CsvExportInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const query = http.getRequest<unknown>();
    const definition = this.reflector.get<CsvExportDefinition>(
      CSV_EXPORT_METADATA,
      context.getHandler(),
    );
    if (!definition || queryValue(query, 'format') !== 'csv') return next.handle();
    const list = queryValue(query, 'list') ?? definition.lists[0];
    // Checked before the work is done: a wrong list name is the caller's mistake.
    if (!definition.lists.includes(list)) {
      throw new ReceiverHttpException(
        400,
        ANALYTICS_MESSAGES.unknownCsvList(list, definition.lists),
      );
    }
    return next.handle().pipe(
      map((answer: AnalyticsAnswer) => {
        const envelope = JSON.parse(answer) as Envelope<Data>;
        const data = envelope.data ?? {};
        const rows = (data[list] ?? []) as Array<Record<string, unknown>>;
        const adapter = this.adapterHost.httpAdapter;
        const response = http.getResponse();
        adapter.setHeader(response, 'Content-Type', 'text/csv; charset=utf-8');
        adapter.setHeader(
          response,
          'Content-Disposition',
          `attachment; filename="${fileName(definition.name, list, data.range)}"`,
        );
        return toCsv(rows, definition.flatten);
      }),
    );
  }
}

/** `visitors-over_time-2026-01-01_2026-01-31.csv` */
function fileName(name: string, list: string, range?: { from: string; to: string }): string {
  const span = range ? `-${range.from.slice(0, 10)}_${range.to.slice(0, 10)}` : '';
  return `${name}-${list}${span}.csv`;
}
