/** Renders rows as a boxed text table, like the Laravel console table. */
export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const format = (cells: string[]) =>
    `| ${cells.map((cell, column) => (cell ?? '').padEnd(widths[column])).join(' | ')} |`;
  return [line, format(headers), line, ...rows.map(format), line].join('\n');
}
