/** Metadata key under which `@CsvExport()` leaves its {@link CsvExportDefinition} on a route. */
export const CSV_EXPORT_METADATA = 'receiver:analytics:csv';

/** Which lists of an endpoint's `data` can be exported, the first being the default. */
export interface CsvExportDefinition {
  /** File name stem, e.g. `visitors`. */
  name: string;
  lists: readonly string[];
  /** Object columns written as dotted columns (`device` → `device.type`, `device.os` …). */
  flatten: readonly string[];
}
