import { applyDecorators, Header, SetMetadata } from '@nestjs/common';
import { CSV_EXPORT_METADATA, type CsvExportDefinition } from './csv-export.definition';

/**
 * Lets `?format=csv` answer one list of the endpoint's `data` as a CSV file (`&list=` picks
 * another list than the first): the route takes `@CsvRequested()` and passes it to
 * `AnalyticsResponder.respond`. Otherwise the route answers the JSON text of its envelope (an
 * `AnalyticsAnswer`), so the JSON content type is declared here — the header both adapters gave
 * serialised objects; the exporter replaces it for CSV.
 */
export const CsvExport = (
  name: string,
  lists: readonly string[],
  flatten: readonly string[] = [],
): MethodDecorator =>
  applyDecorators(
    SetMetadata<string, CsvExportDefinition>(CSV_EXPORT_METADATA, { name, lists, flatten }),
    Header('Content-Type', 'application/json; charset=utf-8'),
  );
