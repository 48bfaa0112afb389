/**
 * Reads the storage tables of `docs/privacy.md`. The convention the document follows, so the
 * schema test can hold it to the code: each database table has a heading whose whole text is the
 * table name in backticks (`` ### `pageviews` ``), followed by one Markdown table whose rows each
 * start with a column name in backticks and describe it in the next cell. A column that only one
 * engine has names it after the column: `` `code_ci` (MariaDB) `` — `SQLite`, `PostgreSQL` or
 * `MariaDB`, comma-separated when several.
 */

import type { EngineName } from '../support/services';

const ENGINE_LABELS: Record<string, EngineName> = {
  sqlite: 'sqlite',
  postgresql: 'postgres',
  mariadb: 'mariadb',
};

/** One described database column. */
export interface DocumentedColumn {
  table: string;
  column: string;
  /** 1-based line of the row in the document. */
  line: number;
  /** The second cell: what the column holds. */
  description: string;
  /** The engines whose schema has the column; absent = every engine. */
  engines?: EngineName[];
}

/** The described columns and whatever breaks the convention (each problem names its line). */
export interface DocumentedSchema {
  columns: DocumentedColumn[];
  problems: string[];
}

const TABLE_HEADING = /^#{2,6} `([A-Za-z0-9_]+)`\s*$/;
const ANY_HEADING = /^#{1,6} /;
const FENCE = /^(`{3,}|~{3,})/;
const SEPARATOR_ROW = /^\|(\s*:?-+:?\s*\|)+\s*$/;

const cellsOf = (row: string): string[] =>
  row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());

/** Parses the table sections of a privacy document (fenced code blocks are skipped). */
export function documentedSchema(markdown: string): DocumentedSchema {
  const lines = markdown.split('\n');
  const columns: DocumentedColumn[] = [];
  const problems: string[] = [];
  const headings = new Map<string, number>();
  let fence: string | undefined;
  let table: string | undefined;
  let tableStart = 0;
  let rows = 0;
  let inTable = false;
  let tableDone = false;

  const closeSection = (): void => {
    if (table !== undefined && rows === 0)
      problems.push(`line ${tableStart}: \`${table}\` has no column table under its heading`);
    table = undefined;
  };

  lines.forEach((text, i) => {
    const line = i + 1;
    const opening = FENCE.exec(text);
    if (fence) {
      if (opening && text.startsWith(fence)) fence = undefined;
      return;
    }
    if (opening) {
      fence = opening[1];
      return;
    }
    if (ANY_HEADING.test(text)) {
      closeSection();
      const match = TABLE_HEADING.exec(text);
      if (!match) return;
      const name = match[1];
      const earlier = headings.get(name);
      if (earlier !== undefined)
        problems.push(`line ${line}: \`${name}\` is described twice (first at line ${earlier})`);
      headings.set(name, line);
      table = name;
      tableStart = line;
      rows = 0;
      inTable = false;
      tableDone = false;
      return;
    }
    if (table === undefined) return;
    const isRow = text.trim().startsWith('|');
    if (!isRow) {
      if (inTable) tableDone = true;
      inTable = false;
      return;
    }
    if (tableDone) {
      problems.push(`line ${line}: a second Markdown table under \`${table}\` (one per table)`);
      return;
    }
    if (!inTable) {
      inTable = true; // the header row
      return;
    }
    if (SEPARATOR_ROW.test(text.trim())) return;
    const [first = '', description = ''] = cellsOf(text);
    const name = /^`([A-Za-z0-9_]+)`(?:\s*\(([^)]*)\))?$/.exec(first);
    if (!name) {
      problems.push(`line ${line}: a row of \`${table}\` that does not start with a \`column\``);
      return;
    }
    let engines: EngineName[] | undefined;
    if (name[2] !== undefined) {
      const labels = name[2].split(',').map((label) => label.trim().toLowerCase());
      const unknown = labels.filter((label) => !(label in ENGINE_LABELS));
      if (unknown.length > 0)
        problems.push(
          `line ${line}: unknown engine "${unknown.join(', ')}" (SQLite, PostgreSQL or MariaDB)`,
        );
      engines = labels.flatMap((label) => ENGINE_LABELS[label] ?? []);
    }
    rows += 1;
    if (columns.some((c) => c.table === table && c.column === name[1]))
      problems.push(`line ${line}: \`${table}.${name[1]}\` is described twice`);
    if (description === '')
      problems.push(`line ${line}: \`${table}.${name[1]}\` has an empty description`);
    columns.push({ table, column: name[1], line, description, engines });
  });
  closeSection();
  return { columns, problems };
}

/** The rows that apply to one engine's schema. */
const rowsFor = (documented: DocumentedColumn[], engine: EngineName): DocumentedColumn[] =>
  documented.filter((c) => !c.engines || c.engines.includes(engine));

/** `table.column` names of an engine's schema the document does not describe, sorted. */
export function undocumentedColumns(
  schema: string[],
  documented: DocumentedColumn[],
  engine: EngineName,
): string[] {
  const described = new Set(rowsFor(documented, engine).map((c) => `${c.table}.${c.column}`));
  return schema.filter((name) => !described.has(name)).sort();
}

/** Documented `table.column` names an engine's schema does not have (stale rows), with their lines. */
export function staleColumns(
  schema: string[],
  documented: DocumentedColumn[],
  engine: EngineName,
): string[] {
  const existing = new Set(schema);
  return rowsFor(documented, engine)
    .filter((c) => !existing.has(`${c.table}.${c.column}`))
    .map((c) => `${c.table}.${c.column} (line ${c.line})`);
}
