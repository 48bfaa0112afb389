import type { DataSource } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { nullableJsonTransformer } from '../storage/column.transformers';
import type { MappedTable, ImportStep } from './micrologs-import.steps';
import type { SourceRow } from './micrologs-source';
import type { SourceTimeConverter } from './source-time.converter';

/** Why a source row was not copied (counted per table in the summary). */
export type SkipReason =
  /** A required reference (project, visitor, session, error group, link) was not imported. */
  | 'orphan'
  /** A value the receiver's schema refuses: missing, too long, not a date. */
  | 'invalid'
  /** The receiver already holds another row with the same unique key (a link code of another project). */
  | 'conflict'
  /** The database refused the row anyway. */
  | 'rejected';

export const SKIP_REASONS: readonly SkipReason[] = ['orphan', 'invalid', 'conflict', 'rejected'];

/** Source id → receiver id, per referenced table. */
export type ImportMaps = Record<MappedTable, Map<number, number>>;

export const emptyMaps = (): ImportMaps => ({
  projects: new Map(),
  visitors: new Map(),
  sessions: new Map(),
  devices: new Map(),
  locations: new Map(),
  error_groups: new Map(),
  tracked_links: new Map(),
});

interface ColumnPlan {
  name: string;
  kind: 'time' | 'bool' | 'json' | 'int' | 'text';
  /** varchar length (characters), checked here so every engine refuses the same rows. */
  length?: number;
  nullable: boolean;
  fallback: unknown;
  reference?: ImportStep['references'][string];
}

/** A converted row, ready for the receiver's insert. */
export interface ConvertedRow {
  sourceId: number;
  projectId: number;
  /** Milliseconds of the row's `created_at` (events), for its event id. */
  createdAt: number;
  values: Record<string, unknown>;
}

const kindOf = (column: ColumnMetadata): ColumnPlan['kind'] => {
  if (column.type === Date) return 'time';
  if (column.type === Boolean) return 'bool';
  if (column.transformer === nullableJsonTransformer) return 'json';
  if (column.type === 'integer' || column.type === 'bigint') return 'int';
  return 'text';
};

/**
 * Turns a Micrologs row into the receiver row of the same table: ids through the maps, local
 * timestamps into instants, MySQL booleans and JSON text into values. The receiver's column
 * metadata says what each column needs, so the checks are those of the schema itself.
 */
export class ImportRowConverter {
  private readonly plan: ColumnPlan[];

  constructor(
    source: DataSource,
    step: ImportStep,
    private readonly time: SourceTimeConverter,
    private readonly maps: ImportMaps,
  ) {
    this.plan = source
      .getMetadata(step.entity)
      .columns.filter((column) => step.columns.includes(column.propertyName))
      .map((column) => ({
        name: column.propertyName,
        kind: kindOf(column),
        length: column.length ? Number(column.length) : undefined,
        nullable: column.isNullable,
        fallback: column.default,
        reference: step.references[column.propertyName],
      }));
    const missing = step.columns.filter((name) => !this.plan.some((c) => c.name === name));
    if (missing.length > 0) throw new Error(`${step.table} has no column ${missing.join(', ')}`);
  }

  /** The Micrologs columns read for this table. */
  get sourceColumns(): string[] {
    return ['id', ...this.plan.map((column) => column.name)];
  }

  convert(row: SourceRow): ConvertedRow | SkipReason {
    const values: Record<string, unknown> = {};
    for (const column of this.plan) {
      const value = this.value(column, row[column.name]);
      if (value === undefined) return column.reference ? 'orphan' : 'invalid';
      values[column.name] = value;
    }
    const created = values.created_at ?? values.first_seen;
    return {
      sourceId: Number(row.id),
      projectId: values.project_id as number,
      createdAt: created instanceof Date ? created.getTime() : 0,
      values,
    };
  }

  /** The receiver value, or `undefined` when the row cannot be kept. */
  private value(column: ColumnPlan, raw: unknown): unknown {
    if (column.reference) {
      const id =
        raw === null || raw === undefined
          ? undefined
          : this.maps[column.reference.table].get(Number(raw));
      if (id !== undefined) return id;
      return column.reference.required ? undefined : null;
    }
    if (raw === null || raw === undefined) {
      if (column.nullable) return null;
      return column.fallback === undefined ? undefined : column.fallback;
    }
    switch (column.kind) {
      case 'time':
        return this.time.instant(raw) ?? (column.nullable ? null : undefined);
      case 'bool':
        return Boolean(Number(raw));
      case 'int':
        return Number.isFinite(Number(raw)) ? Number(raw) : undefined;
      case 'json':
        return parseJson(raw);
      default: {
        const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
        // UTF-16 length ≥ characters: only a long string needs counting.
        const tooLong =
          column.length !== undefined &&
          text.length > column.length &&
          [...text].length > column.length;
        return tooLong ? undefined : text;
      }
    }
  }
}

/** Micrologs JSON columns (MariaDB: LONGTEXT holding JSON) as values; unreadable → NULL. */
function parseJson(raw: unknown): unknown {
  if (typeof raw !== 'string' && !Buffer.isBuffer(raw)) return raw;
  try {
    return JSON.parse(raw.toString());
  } catch {
    return null;
  }
}
