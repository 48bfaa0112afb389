import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ReceiverHttpException } from '../../common/envelope/envelope';
import { queryValue } from '../analytics-query.params';
import { ANALYTICS_MESSAGES } from '../analytics.messages';
import { CSV_EXPORT_METADATA, type CsvExportDefinition } from './csv-export.definition';

/** A request for one list of a `@CsvExport` route's answer as a CSV file. */
export interface CsvRequest {
  definition: CsvExportDefinition;
  list: string;
  /** The framework's response, whose headers the CSV file replaces. */
  response: unknown;
}

/**
 * The {@link CsvRequest} of the current request (`format=csv` on a `@CsvExport` route), else
 * `undefined`: the JSON answer is sent as it is. A parameter rather than an interceptor: Nest
 * wraps every request of an intercepted route in observables, and the JSON answers (cache hits
 * most of all) paid for them although only CSV downloads use them. A wrong `list` is a 400 here,
 * before the route does any work: the caller's mistake.
 */
export const CsvRequested = createParamDecorator(
  (_data: unknown, context: ExecutionContext): CsvRequest | undefined => {
    const http = context.switchToHttp();
    const request = http.getRequest<unknown>();
    if (queryValue(request, 'format') !== 'csv') return undefined;
    const definition = Reflect.getMetadata(CSV_EXPORT_METADATA, context.getHandler()) as
      CsvExportDefinition | undefined;
    if (!definition) return undefined;
    const list = queryValue(request, 'list') ?? definition.lists[0];
    if (!definition.lists.includes(list)) {
      throw new ReceiverHttpException(
        400,
        ANALYTICS_MESSAGES.unknownCsvList(list, definition.lists),
      );
    }
    return { definition, list, response: http.getResponse() };
  },
);
