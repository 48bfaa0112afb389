import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import { InjectReceiverDataSource } from '../storage/inject-receiver-data-source.decorator';
import { ImportBatchWriter, keyOf } from './import-batch.writer';
import { importedEventId } from './imported-event-id';
import {
  type ConvertedRow,
  emptyMaps,
  type ImportMaps,
  ImportRowConverter,
} from './import-row.converter';
import { MicrologsImportMessages } from './micrologs-import.messages';
import { IMPORT_STEPS, IMPORTED_TABLES, type ImportStep } from './micrologs-import.steps';
import { MicrologsSource } from './micrologs-source';
import { ProjectImporter } from './project.importer';
import { ImportRollups } from './import-rollups';
import { SourceTimeConverter } from './source-time.converter';
import type {
  ImportProgress,
  ImportReport,
  ImportTableReport,
} from './micrologs-import-report.interface';

/** Source rows per page (one transaction on the receiver side). */
const PAGE_SIZE = 5_000;

export interface ImportOptions {
  /** `mysql://…` of the Micrologs database. */
  from: string;
  /** Zone of the Micrologs timestamps; default: the receiver's (`RECEIVER_TIMEZONE`). */
  timeZone?: string;
  /** Told of the row count before the first page (the progress bar's total). */
  onStart?: (total: number, timeZone: string) => void;
  onProgress?: (progress: ImportProgress) => void;
}

const newTableReport = (table: string): ImportTableReport => ({
  table,
  read: 0,
  imported: 0,
  existing: 0,
  skipped: { orphan: 0, invalid: 0, conflict: 0, rejected: 0 },
});

/**
 * Copies a Micrologs v2 database into the receiver's: projects with their keys (deployed
 * snippets and SDKs keep working), then every table of the data model in dependency order, page
 * by page in id order; then rebuilds the rollups of the imported projects. Idempotent: rows with
 * a natural key (visitors, sessions, devices, locations, error groups, links) are matched on it,
 * events (pageviews, error events, audit logs, clicks) carry an event id derived from their
 * origin; so an interrupted import is resumed by running it again, and nothing is copied twice.
 */
@Injectable()
export class MicrologsImportService {
  constructor(
    @InjectReceiverDataSource() private readonly dataSource: DataSource,
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    private readonly rollups: ImportRollups,
  ) {}

  async run(options: ImportOptions): Promise<ImportReport> {
    const started = Date.now();
    const timeZone = options.timeZone ?? this.options.timezone;
    if (!isTimeZone(timeZone)) throw new Error(MicrologsImportMessages.badTimeZone(timeZone));
    const time = new SourceTimeConverter(timeZone);
    const source = await MicrologsSource.open(options.from);
    try {
      const totals = new Map<string, number>();
      for (const table of IMPORTED_TABLES) {
        const count = await source.count(table);
        if (count === null) throw new Error(MicrologsImportMessages.notMicrologs(table));
        totals.set(table, count);
      }
      const total = [...totals.values()].reduce((sum, n) => sum + n, 0);
      options.onStart?.(total, timeZone);
      let done = 0;
      const progress = (table: string, rows: number) => {
        done += rows;
        options.onProgress?.({ table, done, total });
      };

      const maps = emptyMaps();
      const writer = new ImportBatchWriter(this.dataSource);
      const projects = newTableReport('projects');
      await new ProjectImporter(this.dataSource, time).run(source, maps, projects, (rows) =>
        progress('projects', rows),
      );
      const tables = [projects];
      const pageviewDays = new Map<number, { first: number; last: number }>();
      for (const step of IMPORT_STEPS) {
        const report = newTableReport(step.table);
        tables.push(report);
        await this.copy(step, source, writer, maps, time, report, (rows, page) => {
          if (ROLLED_UP.has(step.table)) spanOf(pageviewDays, page);
          progress(step.table, rows);
        });
      }
      const copyMs = Date.now() - started;
      const rollups = await this.rollups.rebuild(pageviewDays);
      const read = tables.reduce((sum, t) => sum + t.read, 0);
      return {
        timeZone,
        tables,
        read,
        imported: tables.reduce((sum, t) => sum + t.imported, 0),
        copyMs,
        rowsPerSecond: Math.round(read / Math.max(0.001, copyMs / 1000)),
        rollups: { ...rollups, durationMs: Date.now() - started - copyMs },
      };
    } finally {
      await source.close();
    }
  }

  /** Copies one table, page by page; the next page is read while this one is written. */
  private async copy(
    step: ImportStep,
    source: MicrologsSource,
    writer: ImportBatchWriter,
    maps: ImportMaps,
    time: SourceTimeConverter,
    report: ImportTableReport,
    onPage: (rows: number, converted: ConvertedRow[]) => void,
  ): Promise<void> {
    const converter = new ImportRowConverter(this.dataSource, step, time, maps);
    const columns = converter.sourceColumns;
    let page = await source.page(step.table, columns, 0, PAGE_SIZE);
    while (page.length > 0) {
      const lastId = Number(page[page.length - 1].id);
      const next =
        page.length < PAGE_SIZE
          ? Promise.resolve([])
          : source.page(step.table, columns, lastId, PAGE_SIZE);
      // A failed write must not leave the read unobserved (an unhandled rejection).
      next.catch(() => undefined);
      const converted: ConvertedRow[] = [];
      for (const row of page) {
        const result = converter.convert(row);
        if (typeof result === 'string') report.skipped[result]++;
        else converted.push(result);
      }
      report.read += page.length;
      if (step.identity.kind === 'event') await this.writeEvents(step, writer, converted, report);
      else await this.writeDimensions(step, writer, converted, maps, report);
      onPage(page.length, converted);
      page = await next;
    }
  }

  private async writeEvents(
    step: ImportStep,
    writer: ImportBatchWriter,
    rows: ConvertedRow[],
    report: ImportTableReport,
  ): Promise<void> {
    for (const row of rows) {
      row.values.event_id = importedEventId(
        row.createdAt,
        `micrologs:${row.projectId}:${step.table}:${row.sourceId}`,
      );
    }
    const existing = await writer.existingEvents(
      step.entity,
      rows.map((row) => row.values.event_id as string),
    );
    const fresh = rows.filter((row) => !existing.has(row.values.event_id as string));
    const rejected = await writer.insert(
      step.entity,
      fresh.map((row) => row.values),
    );
    report.existing += existing.size;
    report.skipped.rejected += rejected;
    report.imported += fresh.length - rejected;
  }

  private async writeDimensions(
    step: ImportStep,
    writer: ImportBatchWriter,
    rows: ConvertedRow[],
    maps: ImportMaps,
    report: ImportTableReport,
  ): Promise<void> {
    if (step.identity.kind !== 'dimension' || rows.length === 0) return;
    const { key, maps: table } = step.identity;
    const map = maps[table];
    const values = rows.map((row) => row.values);
    const before = await writer.dimensionIds(step.entity, key, values);
    const fresh = rows.filter((row) => !before.has(keyOf(key.columns, row.values)));
    report.existing += rows.length - fresh.length;
    const rejected = await writer.insert(
      step.entity,
      fresh.map((row) => row.values),
    );
    report.skipped.rejected += rejected;
    const after =
      fresh.length > 0
        ? await writer.dimensionIds(
            step.entity,
            key,
            fresh.map((row) => row.values),
          )
        : new Map<string, number>();
    for (const row of rows) {
      const id =
        before.get(keyOf(key.columns, row.values)) ?? after.get(keyOf(key.columns, row.values));
      if (id !== undefined) map.set(row.sourceId, id);
    }
    // A fresh row not found afterwards lost to another row's key (a link code of another project).
    const lost = fresh.filter((row) => !after.has(keyOf(key.columns, row.values))).length;
    report.skipped.conflict += lost - rejected;
    report.imported += fresh.length - lost;
  }
}

/** The imported tables the analytics rollups are built from. */
const ROLLED_UP = new Set(['pageviews', 'error_events', 'link_clicks', 'audit_logs']);

/** Widens each project's span of pageview (error, click, audit) times by a page's rows. */
function spanOf(spans: Map<number, { first: number; last: number }>, rows: ConvertedRow[]): void {
  for (const row of rows) {
    const span = spans.get(row.projectId);
    if (!span) spans.set(row.projectId, { first: row.createdAt, last: row.createdAt });
    else {
      if (row.createdAt < span.first) span.first = row.createdAt;
      if (row.createdAt > span.last) span.last = row.createdAt;
    }
  }
}

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};
