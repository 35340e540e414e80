/** Plain-text tables: left-aligned columns (right-aligned where asked), two spaces apart. */
export interface Column {
  readonly title: string;
  readonly align?: 'left' | 'right';
}

export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  // A loop, not Math.max(...rows): spreading 150 000 rows into arguments overflows the stack.
  const widths = columns.map((column) => column.title.length);
  for (const row of rows) {
    for (let i = 0; i < widths.length; i += 1) widths[i] = Math.max(widths[i] ?? 0, (row[i] ?? '').length);
  }
  const render = (cells: readonly string[]) =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? '';
        const width = widths[i] ?? 0;
        return column.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [render(columns.map((c) => c.title)), ...rows.map(render)].join('\n') + '\n';
}
