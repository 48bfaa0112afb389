/**
 * RFC 4180 CSV (CRLF line ends, quotes doubled). Nested objects become dotted columns
 * (`device.type`), arrays and other objects are written as JSON. Text cells that a spreadsheet
 * would run as a formula (`=`, `+`, `-`, `@`, tab, CR) get a leading `'` — numbers are left alone.
 */
export function toCsv(rows: ReadonlyArray<Record<string, unknown>>): string {
  const flat = rows.map((row) => flatten(row));
  const columns: string[] = [];
  for (const row of flat) {
    for (const column of Object.keys(row)) if (!columns.includes(column)) columns.push(column);
  }
  const lines = [columns.map(cell).join(',')];
  for (const row of flat) lines.push(columns.map((column) => cell(row[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function flatten(row: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !prefix) {
      Object.assign(out, flatten(value as Record<string, unknown>, name));
    } else {
      out[name] = value;
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
