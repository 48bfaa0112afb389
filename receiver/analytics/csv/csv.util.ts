/**
 * RFC 4180 CSV (CRLF line ends, quotes doubled). The object columns named in `flatten` become
 * dotted columns (`device.type`); other objects and arrays (free-form `context`) are written as
 * JSON. Text cells a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) get a
 * leading `'` — numbers are left alone.
 */
export function toCsv(
  rows: ReadonlyArray<Record<string, unknown>>,
  flatten: readonly string[] = [],
): string {
  const flat = rows.map((row) => flattenColumns(row, flatten));
  const columns: string[] = [];
  for (const row of flat) {
    for (const column of Object.keys(row)) if (!columns.includes(column)) columns.push(column);
  }
  const lines = [columns.map(cell).join(',')];
  for (const row of flat) lines.push(columns.map((column) => cell(row[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function flattenColumns(
  row: Record<string, unknown>,
  flatten: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (flatten.includes(key) && value !== null && typeof value === 'object') {
      for (const [inner, innerValue] of Object.entries(value)) out[`${key}.${inner}`] = innerValue;
    } else {
      out[key] = value;
    }
  }
  return out;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
